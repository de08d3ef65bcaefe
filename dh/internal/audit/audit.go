package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// stopDirs are the runlevel directories whose links run at shutdown (0)
// and reboot (6).
var stopDirs = []string{"rc0.d", "rc6.d"}

// linkName matches the K and S links that sysv-rc runs: a letter, an
// order number, the script name.
var linkName = regexp.MustCompile(`^([KS])([0-9]+)(.+)$`)

// Audit classifies the stop action of every script in root/etc/init.d that
// has a stop link in root/etc/rc0.d or root/etc/rc6.d. An error means root
// is not something to audit (missing, or with neither rc0.d nor rc6.d, or
// unreadable); a script the audit cannot understand is not an error but an
// Unknown result.
func Audit(root string) (*Report, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, debhelper.Cause(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("root %s: not a directory", root)
	}
	initd := filepath.Join(root, "etc", "init.d")
	if st, err := os.Stat(initd); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("root %s: no etc/init.d directory", root)
	}
	links, err := stopLinks(root)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(links))
	for n := range links {
		names = append(names, n)
	}
	sort.Strings(names)
	rep := &Report{Root: root, Scripts: []ScriptResult{}}
	for _, n := range names {
		r := auditScript(root, n)
		r.Links = links[n]
		r.StaleLinks = staleLinks(r.Links, r.DefaultStop)
		r.Systemd = systemdShadow(root, n)
		rep.Scripts = append(rep.Scripts, r)
	}
	rep.Summary = summarize(rep.Scripts)
	return rep, nil
}

// stopLinks maps script names to their links ("rc0.d/K01name") in the stop
// directories. Like sysv-rc, it takes every K and S entry: in runlevels 0
// and 6 /etc/init.d/rc runs the S scripts with "stop" too. Entries whose
// script is not a regular file in etc/init.d are skipped, as rc skips them.
func stopLinks(root string) (map[string][]string, error) {
	links := map[string][]string{}
	found := 0
	for _, dir := range stopDirs {
		full := filepath.Join(root, "etc", dir)
		entries, err := os.ReadDir(full)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", full, debhelper.Cause(err))
		}
		found++
		for _, e := range entries {
			m := linkName.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			name := m[3]
			if e.Type()&fs.ModeSymlink != 0 {
				target, err := os.Readlink(filepath.Join(full, e.Name()))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", filepath.Join(full, e.Name()), debhelper.Cause(err))
				}
				name = path.Base(filepath.ToSlash(target))
			}
			st, err := os.Stat(filepath.Join(root, "etc", "init.d", name))
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			links[name] = append(links[name], dir+"/"+e.Name())
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("root %s: neither etc/rc0.d nor etc/rc6.d exists: not a sysv-rc system", root)
	}
	for _, l := range links {
		sort.Strings(l)
	}
	return links, nil
}

// staleLinks returns the K links in runlevels that Default-Stop (when
// present) does not list.
func staleLinks(links, defaultStop []string) []string {
	if defaultStop == nil {
		return nil
	}
	var stale []string
	for _, l := range links {
		level := strings.TrimSuffix(strings.TrimPrefix(linkDir(l), "rc"), ".d")
		_, base, _ := strings.Cut(l, "/")
		if strings.HasPrefix(base, "K") && !slices.Contains(defaultStop, level) {
			stale = append(stale, l)
		}
	}
	return stale
}

// linkDir returns the directory part of a link as stored in ScriptResult.Links.
func linkDir(link string) string {
	d, _, _ := strings.Cut(link, "/")
	return d
}

// auditScript reads, parses and classifies etc/init.d/name.
func auditScript(root, name string) ScriptResult {
	res := ScriptResult{Name: name}
	src, err := os.ReadFile(filepath.Join(root, "etc", "init.d", name))
	if err != nil {
		res.Class = Unknown
		res.Reasons = []Reason{{Kind: Unknown, Why: "cannot read the script: " + debhelper.Cause(err).Error()}}
		return res
	}
	src = latin1(src)
	res.LSBHeader, res.DefaultStop = defaultStop(src)
	res.Reasons = analyze(root, name, src)
	res.Class = verdict(res.Reasons)
	return res
}

// verdict is Needed if any reason is, else Unknown if any reason is, else
// Redundant: one thing sendsigs would not do is enough to need the stop
// action, and one thing the audit cannot see through is enough to doubt it.
func verdict(reasons []Reason) Class {
	c := Redundant
	for _, r := range reasons {
		if r.Kind == Needed {
			return Needed
		}
		if r.Kind == Unknown {
			c = Unknown
		}
	}
	return c
}

// defaultStop reads the LSB header as update-rc.d does (maintscript.ParseLSBHeader), since
// the links it made are what the header means, and returns whether there is one and its
// Default-Stop runlevels (nil if the field is absent).
func defaultStop(src []byte) (header bool, levels []string) {
	h, err := maintscript.ParseLSBHeader(src)
	if err != nil {
		return false, nil
	}
	if h.StopLine == 0 {
		return true, nil
	}
	return true, h.DefaultStop
}

// latin1 returns src as UTF-8: unchanged when it is valid UTF-8, else
// read as ISO-8859-1 (Latin-1), the other encoding old init scripts
// have in their comments (smartmontools'). Every byte stays one
// character, so lines keep their numbers.
func latin1(src []byte) []byte {
	if utf8.Valid(src) {
		return src
	}
	var b bytes.Buffer
	b.Grow(len(src) * 2)
	for _, c := range src {
		b.WriteRune(rune(c))
	}
	return b.Bytes()
}
