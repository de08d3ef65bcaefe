package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
)

// linkCount is the number of links in rc0.d and rc6.d at one moment.
type linkCount struct {
	when       string
	rc0, rc6   int // every K link there
	ours       int // the generated packages' links there
	withLinks  int // generated daemons with any link at all
	running    int // generated daemons running
	totalDaems int
}

// benchLinks builds lcmany at 1.0 (n daemons, no declarations: debhelper alone) and 1.1 (each
// daemon declared multiuser since 1.1), installs 1.0 in a throwaway root, upgrades to 1.1 in
// one dpkg run, and counts the stop links for halt and reboot before and after.
func benchLinks(work, stage string, n int) ([]linkCount, error) {
	v1, err := buildSource(stage, filepath.Join(work, "lcmany-1.0"), trees.ManySource("1.0", n, false))
	if err != nil {
		return nil, err
	}
	v2, err := buildSource(stage, filepath.Join(work, "lcmany-1.1"), trees.ManySource("1.1", n, true))
	if err != nil {
		return nil, err
	}
	r, err := dpkgroot.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	r.Timeout = 10 * time.Minute

	names := make([]string, 0, n)
	for name := range v1 {
		names = append(names, name)
	}
	slices.Sort(names)
	count := func(when string) linkCount {
		c := linkCount{when: when, totalDaems: len(names)}
		for _, lvl := range []string{"0", "6"} {
			entries, _ := os.ReadDir(r.Path("/etc/rc" + lvl + ".d"))
			k := 0
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), "K") {
					k++
				}
			}
			if lvl == "0" {
				c.rc0 = k
			} else {
				c.rc6 = k
			}
		}
		for _, name := range names {
			links := r.RCLinks(name)
			if len(links) > 0 {
				c.withLinks++
			}
			for _, l := range links {
				if strings.HasPrefix(l, "rc0.d/") || strings.HasPrefix(l, "rc6.d/") {
					c.ours++
				}
			}
			if r.Running("/run/" + name + ".pid") {
				c.running++
			}
		}
		return c
	}
	counts := []linkCount{count("before installing lcmany")}
	install := func(debs map[string]string) error {
		args := []string{"-i"}
		for _, name := range names {
			args = append(args, debs[name])
		}
		if out, err := r.Dpkg(args...); err != nil {
			return fmt.Errorf("%w\n%s", err, out)
		}
		return nil
	}
	if err := install(v1); err != nil {
		return nil, err
	}
	counts = append(counts, count("lcmany 1.0 installed (debhelper's dh_installinit)"))
	if err := install(v2); err != nil {
		return nil, err
	}
	counts = append(counts, count("upgraded to lcmany 1.1 (declared multiuser, dh_teardown)"))
	return counts, nil
}

// linksPart is the links part.
func linksPart(c *config) (string, error) {
	counts, err := benchLinks(c.work, c.stage, 20)
	if err != nil {
		return "", err
	}
	return linksSection(counts), nil
}
