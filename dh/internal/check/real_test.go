//go:build integration

package check

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// realPair is one entry of testdata/real-packages: two versions of a real Debian package, and
// the findings the check must report, read off their maintainer scripts by hand.
type realPair struct {
	line               int
	pkg, old, new      string
	oldSuite, newSuite string
	// findings maps "KIND PATH" to "VERDICT [MISSING-PART…]" (verdict handled, partial or
	// unhandled; the parts are the labels of the missing steps: stop, conffile, rc links,
	// enablement, deregister).
	findings map[string]string
}

// readRealPairs parses testdata/real-packages: deb822 stanzas with Package, Old (VERSION
// SUITE), New (VERSION SUITE) and Findings (one "KIND PATH VERDICT [PART,…]" per line).
func readRealPairs(t *testing.T) []realPair {
	t.Helper()
	f, err := os.Open("testdata/real-packages")
	require.NoError(t, err)
	defer f.Close()
	var pairs []realPair
	var cur *realPair
	field := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			cur, field = nil, ""
		case strings.HasPrefix(line, " "):
			require.Equal(t, "Findings", field, "testdata/real-packages:%d: continuation line outside Findings", n)
			fs := strings.Fields(line)
			require.GreaterOrEqual(t, len(fs), 3, "testdata/real-packages:%d: want KIND PATH VERDICT [PARTS]", n)
			cur.findings[fs[0]+" "+fs[1]] = strings.Join(fs[2:], " ")
		default:
			name, value, ok := strings.Cut(line, ":")
			require.True(t, ok, "testdata/real-packages:%d: not a field", n)
			value = strings.TrimSpace(value)
			if cur == nil {
				pairs = append(pairs, realPair{line: n, findings: map[string]string{}})
				cur = &pairs[len(pairs)-1]
			}
			field = name
			switch name {
			case "Package":
				cur.pkg = value
			case "Old":
				_, err := fmt.Sscan(value, &cur.old, &cur.oldSuite)
				require.NoError(t, err, "testdata/real-packages:%d", n)
			case "New":
				_, err := fmt.Sscan(value, &cur.new, &cur.newSuite)
				require.NoError(t, err, "testdata/real-packages:%d", n)
			case "Findings", "Read":
			default:
				t.Fatalf("testdata/real-packages:%d: unknown field %s", n, name)
			}
		}
	}
	require.NoError(t, sc.Err())
	return pairs
}

// mirror downloads real packages with apt-get, with a private apt configuration (bookworm,
// trixie and sid from deb.debian.org) kept under the test cache; the host's apt sources are
// not touched. .debs are cached by exact version.
type mirror struct {
	dir     string
	mu      sync.Mutex
	updated bool  // apt-get update was tried
	err     error // and failed so
	out     []byte
}

func newMirror(t *testing.T) *mirror {
	t.Helper()
	testenv.RequireCommand(t, "apt-get")
	dir := testenv.CacheDir(t, "check-real")
	m := &mirror{dir: dir}
	apt := filepath.Join(dir, "apt")
	for _, d := range []string{"etc/apt.conf.d", "etc/preferences.d", "etc/sources.list.d", "state/lists/partial", "cache/archives/partial"} {
		require.NoError(t, os.MkdirAll(filepath.Join(apt, d), 0o755))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "debs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(apt, "etc/sources.list"), []byte(
		"deb http://deb.debian.org/debian bookworm main\n"+
			"deb http://deb.debian.org/debian trixie main\n"+
			"deb http://deb.debian.org/debian sid main\n"), 0o644))
	conf := fmt.Sprintf(`Dir::Etc "%[1]s/etc";
Dir::Etc::SourceList "%[1]s/etc/sources.list";
Dir::Etc::SourceParts "%[1]s/etc/sources.list.d";
Dir::Etc::Parts "%[1]s/etc/apt.conf.d";
Dir::Etc::Preferences "%[1]s/etc/preferences";
Dir::Etc::PreferencesParts "%[1]s/etc/preferences.d";
Dir::Etc::Trusted "/etc/apt/trusted.gpg";
Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";
Dir::State "%[1]s/state";
Dir::State::status "%[1]s/state/status";
Dir::Cache "%[1]s/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Debug::NoLocking "true";
`, apt)
	require.NoError(t, os.WriteFile(filepath.Join(apt, "apt.conf"), []byte(conf), 0o644))
	if _, err := os.Stat(filepath.Join(apt, "state/status")); err != nil {
		require.NoError(t, os.WriteFile(filepath.Join(apt, "state/status"), nil, 0o644))
	}
	return m
}

func (m *mirror) apt(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "APT_CONFIG="+filepath.Join(m.dir, "apt/apt.conf"), "LC_ALL=C")
	return cmd.CombinedOutput()
}

// update runs apt-get update (once per test binary, or when the lists are missing).
func (m *mirror) update(t *testing.T) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.updated {
		m.updated = true
		m.out, m.err = m.apt(m.dir, "apt-get", "-q", "update")
	}
	require.NoError(t, m.err, "apt-get update with the private configuration:\n%s", m.out)
}

// deb returns the cached .deb of pkg at version, downloading it first.
func (m *mirror) deb(t *testing.T, pkg, version, suite string) string {
	t.Helper()
	debs := filepath.Join(m.dir, "debs")
	find := func() string {
		matches, _ := filepath.Glob(filepath.Join(debs, pkg+"_"+strings.ReplaceAll(version, ":", "%3a")+"_*.deb"))
		if len(matches) == 1 {
			return matches[0]
		}
		return ""
	}
	if f := find(); f != "" {
		return f
	}
	lists, _ := filepath.Glob(filepath.Join(m.dir, "apt/state/lists/*Packages*"))
	if len(lists) == 0 {
		m.update(t)
	}
	out, err := m.apt(debs, "apt-get", "-q", "download", pkg+"="+version)
	if err != nil && !m.updated {
		m.update(t)
		out, err = m.apt(debs, "apt-get", "-q", "download", pkg+"="+version)
	}
	if err != nil {
		t.Fatalf("%s %s (%s) cannot be downloaded from Debian's mirror: it has probably been replaced there "+
			"(old point releases and superseded unstable versions vanish). Pick a version the mirror has "+
			"(apt-cache madison %s), re-read its maintainer scripts and update testdata/real-packages.\napt-get: %v\n%s",
			pkg, version, suite, pkg, err, out)
	}
	f := find()
	require.NotEmpty(t, f, "apt-get download %s=%s left no .deb in %s", pkg, version, debs)
	return f
}

// TestRealPackages checks pairs of versions of real Debian packages (testdata/real-packages)
// and requires the findings recorded there.
func TestRealPackages(t *testing.T) {
	pairs := readRealPairs(t)
	m := newMirror(t)
	for _, p := range pairs {
		t.Run(p.pkg+"_"+p.old+"_"+p.new, func(t *testing.T) {
			old := m.deb(t, p.pkg, p.old, p.oldSuite)
			new := m.deb(t, p.pkg, p.new, p.newSuite)
			r, err := Debs(old, new)
			require.NoError(t, err)
			got := map[string]string{}
			for _, f := range r.Packages[0].Findings {
				got[f.Kind+" "+f.Path] = verdictOf(f)
			}
			var text strings.Builder
			require.NoError(t, r.WriteText(&text))
			assert.Equal(t, p.findings, got, "testdata/real-packages:%d: %s %s → %s; the report:\n%s", p.line, p.pkg, p.old, p.new, text.String())
		})
	}
}

// verdictOf is a finding as testdata/real-packages records it: "handled", or "partial" or
// "unhandled" and the sorted labels of its missing parts.
func verdictOf(f Finding) string {
	if f.Handled {
		return "handled"
	}
	seen := map[string]bool{}
	var parts []string
	for _, m := range f.Missing {
		if label, _, ok := strings.Cut(strings.TrimPrefix(m, "["), "]"); ok && !seen[label] {
			seen[label] = true
			parts = append(parts, strings.ReplaceAll(label, " ", "-"))
		}
	}
	sort.Strings(parts)
	v := "unhandled"
	if f.Partial() {
		v = "partial"
	}
	return v + " " + strings.Join(parts, ",")
}
