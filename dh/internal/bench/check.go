package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func init() {
	addPart(part{name: "check", what: "teardown check on two 50 MB packages, per compression", run: checkPart})
}

// checkRuns is how many times the check runs per compression.
const checkRuns = 10

// checkPart builds two versions of a package of about 50 MB each (48 files of 1 MB of random
// data, 2000 small text files, and in the old version an init script, a unit, a conffile and
// an info document the new one drops without handling them) with dpkg-deb, once per
// compression (gzip, zstd, xz), and times `teardown check OLD NEW` on them: wall time and
// CPU time (user + system) of the command, median of checkRuns runs.
func checkPart(c *config) (string, error) {
	var b strings.Builder
	b.WriteString("## teardown check on two 50 MB packages\n\n")
	b.WriteString("`teardown check OLD.deb NEW.deb` on two versions of a package of about 50 MB each (48 files of 1 MB of random data, 2000 small text files; the old version also ships an init script, a unit, a conffile and an info document that the new one drops without handling them, so the check reports 4 findings, 3 of them not handled (the info document is the install-info trigger's), and exits 1), built by `dpkg-deb -Z` with each compression; both packages are read at once, in-process, their data members decompressed in full. ")
	fmt.Fprintf(&b, "Median of %d runs; CPU is user + system time of the command. Target: well under a second.\n\n", checkRuns)
	b.WriteString("| compression | OLD.deb | NEW.deb | wall (median) | CPU (median) | under 0.5 s |\n|---|---:|---:|---:|---:|---|\n")
	teardown := filepath.Join(c.stage, "usr/bin/teardown")
	for _, comp := range []string{"gzip", "zstd", "xz"} {
		dir := filepath.Join(c.work, "check-"+comp)
		old, err := buildCheckDeb(dir, "1.0", comp)
		if err != nil {
			return "", err
		}
		new, err := buildCheckDeb(dir, "2.0", comp)
		if err != nil {
			return "", err
		}
		var walls, cpus []time.Duration
		for range checkRuns {
			cmd := exec.Command(teardown, "check", old, new)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			wall := time.Since(start)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || strings.Count(string(out), "not handled") != 3 {
				return "", fmt.Errorf("teardown check %s %s: want exit 1 and 3 unhandled findings, got %v:\n%s", old, new, err, out)
			}
			walls = append(walls, wall)
			cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
		w := medianOf(walls)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", comp, mb(old), mb(new), ms(w), ms(medianOf(cpus)), verdict(w < 500*time.Millisecond))
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
	}
	b.WriteString("\nThe work is decompressing both data members (in parallel, one core each); wall time above CPU time is waiting for a core (see the load average in the machine section).\n\n")
	return b.String(), nil
}

// mb is a file's size in MB.
func mb(file string) string {
	st, err := os.Stat(file)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f MB", float64(st.Size())/1e6)
}

// buildCheckDeb builds dir/bench-check_VERSION_all.deb with compression comp.
func buildCheckDeb(dir, version, comp string) (string, error) {
	root := filepath.Join(dir, "bench-check-"+version)
	write := func(p, content string, mode os.FileMode) error {
		f := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		return os.WriteFile(f, []byte(content), mode)
	}
	control := fmt.Sprintf("Package: bench-check\nVersion: %s\nArchitecture: all\nMaintainer: dh-teardown developers <dh-teardown@lists.example.org>\nDescription: a package to time teardown check on\n", version)
	if err := write("DEBIAN/control", control, 0o644); err != nil {
		return "", err
	}
	for i := range 48 {
		f := filepath.Join(root, fmt.Sprintf("usr/share/bench-check/blob%02d", i))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return "", err
		}
		out, err := os.Create(f)
		if err != nil {
			return "", err
		}
		_, err = io.CopyN(out, rand.Reader, 1<<20)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
	}
	for i := range 2000 {
		if err := write(fmt.Sprintf("usr/share/doc/bench-check/notes/%04d.txt", i), strings.Repeat(fmt.Sprintf("note %d of the bench package\n", i), 20), 0o644); err != nil {
			return "", err
		}
	}
	if version == "1.0" {
		for p, content := range map[string]string{
			"etc/init.d/benchd":                 "#!/bin/sh\ncase \"$1\" in\nstop) start-stop-daemon --stop --exec /usr/sbin/benchd ;;\nesac\n",
			"lib/systemd/system/benchd.service": "[Service]\nExecStart=/usr/sbin/benchd\n\n[Install]\nWantedBy=multi-user.target\n",
			"etc/default/benchd":                "RUN=yes\n",
			"usr/share/info/bench.info.gz":      "not really gzip\n",
		} {
			if err := write(p, content, 0o644); err != nil {
				return "", err
			}
		}
		if err := write("DEBIAN/conffiles", "/etc/default/benchd\n/etc/init.d/benchd\n", 0o644); err != nil {
			return "", err
		}
	}
	deb := filepath.Join(dir, "bench-check_"+version+"_all.deb")
	args := []string{"--root-owner-group", "-Z" + comp}
	if comp == "xz" {
		args = append(args, "-z1") // quick to build; decoding costs the same
	}
	if out, err := exec.Command("dpkg-deb", append(args, "--build", root, deb)...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb --build %s: %v\n%s", root, err, out)
	}
	return deb, os.RemoveAll(root)
}
