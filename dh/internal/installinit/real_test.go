//go:build integration

package installinit

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// realSource is one record of testdata/real-overrides: a real source package's binary
// packages, compat level and dh_installinit command lines.
type realSource struct {
	source, version string
	compat          int
	packages        []string // NAME:ARCH
	calls           [][]string
}

// TestRealOverrides runs the recorded override_dh_installinit command lines of real Debian
// packages, with debhelper's dh_installinit of each target and ours, on a fixture tree made
// from the record, and holds ours to the same files, substvars and script behaviour.
func TestRealOverrides(t *testing.T) {
	sources := readRealOverrides(t)
	require.GreaterOrEqual(t, len(sources), 15)
	for _, tg := range targets(t) {
		t.Run(tg.name, func(t *testing.T) {
			for _, src := range sources {
				t.Run(src.source, func(t *testing.T) {
					t.Parallel()
					differential(t, tg, diffCase{name: src.source, compat: src.compat, calls: src.calls,
						fixture: func(t *testing.T) string { return src.tree(t) }})
				})
			}
		})
	}
}

// readRealOverrides parses testdata/real-overrides.
func readRealOverrides(t *testing.T) []realSource {
	data, err := os.ReadFile(filepath.Join("testdata", "real-overrides"))
	require.NoError(t, err)
	var out []realSource
	for i, stanza := range strings.Split(string(data), "\n\n") {
		var s realSource
		for _, line := range strings.Split(stanza, "\n") {
			key, value, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			value = strings.TrimSpace(value)
			switch key {
			case "Source":
				s.source = value
			case "Version":
				s.version = value
			case "Compat":
				s.compat, err = strconv.Atoi(value)
				require.NoError(t, err, "stanza %d", i+1)
			case "Packages":
				s.packages = strings.Fields(value)
			case "Call":
				s.calls = append(s.calls, shellWords(t, value))
			}
		}
		if s.source != "" {
			out = append(out, s)
		}
	}
	return out
}

// tree makes the fixture: debian/control with the packages, debian/changelog with the
// version, debian/PKG.init and debian/PKG.default for every package, and for every --name
// and --init-script of the calls, the files they make dh_installinit look for.
func (s realSource) tree(t *testing.T) string {
	dir := t.TempDir()
	deb := filepath.Join(dir, "debian")
	require.NoError(t, os.MkdirAll(deb, 0o755))
	control := fmt.Sprintf("Source: %s\nMaintainer: Test <test@example.org>\nBuild-Depends: debhelper-compat (= %d)\n", s.source, s.compat)
	var names []string
	for _, call := range s.calls {
		for i, a := range call {
			if v, ok := strings.CutPrefix(a, "--name="); ok {
				names = append(names, v)
			} else if a == "--name" && i+1 < len(call) {
				names = append(names, call[i+1])
			} else if v, ok := strings.CutPrefix(a, "--init-script="); ok {
				names = append(names, v)
			}
		}
	}
	write := func(name, content string, mode os.FileMode) {
		require.NoError(t, os.WriteFile(filepath.Join(deb, name), []byte(content), mode))
	}
	for _, p := range s.packages {
		name, arch, _ := strings.Cut(p, ":")
		control += fmt.Sprintf("\nPackage: %s\nArchitecture: %s\nDescription: %s\n", name, strings.ReplaceAll(arch, ",", " "), name)
		write(name+".init", initScript(name), 0o755)
		write(name+".default", "# defaults of "+name+"\n", 0o644)
		for _, n := range names {
			write(name+"."+n+".init", initScript(n), 0o755)
			write(name+"."+n+".default", "# defaults of "+n+"\n", 0o644)
			write(name+"."+n, initScript(n), 0o755)
		}
	}
	write("control", control, 0o644)
	write("changelog", fmt.Sprintf("%s (%s) unstable; urgency=medium\n\n  * Test.\n\n -- Test <test@example.org>  Sun, 29 Nov 2026 12:00:00 +0000\n", s.source, s.version), 0o644)
	return dir
}

// initScript is a minimal init script with an LSB header.
func initScript(name string) string {
	return fmt.Sprintf("#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          %s\n# Required-Start:    $remote_fs\n# Required-Stop:     $remote_fs\n# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n### END INIT INFO\nexit 0\n", name)
}

// shellWords splits a make recipe's command line into words as the shell would, for the
// quoting the recorded lines use (double and single quotes, no expansions).
func shellWords(t *testing.T, line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	require.Zero(t, quote, "unbalanced quote in %q", line)
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
