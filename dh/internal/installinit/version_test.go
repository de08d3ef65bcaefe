package installinit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

func TestBehaviourOfFollowedVersions(t *testing.T) {
	for v, want := range map[string]Behaviour{
		"13.11.4": {Version: "13.11.4"},
		"13.24.2": {Version: "13.24.2", UsrUnits: true, Compat14PkgFiles: true,
			Scripts: maintscript.DebhelperConventions{TmpfilesOutput: true, DpkgRootSet: true}},
		"14.5": {Version: "14.5", UsrUnits: true, Compat14PkgFiles: true, NoInitSystemHelpers: true, Compat14Stable: true,
			Scripts: maintscript.DebhelperConventions{TmpfilesOutput: true, DpkgRootSet: true, LinksUnderDpkgRoot: true, NoStartLinksUnderDpkgRoot: true}},
		"14.3": {Version: "14.3", UsrUnits: true, Compat14PkgFiles: true, NoInitSystemHelpers: true, Compat14Stable: true,
			Scripts: maintscript.DebhelperConventions{TmpfilesOutput: true, DpkgRootSet: true, LinksUnderDpkgRoot: true}},
		"13.32~bpo12+1": {Version: "13.32~bpo12+1", UsrUnits: true, Compat14PkgFiles: true, NoInitSystemHelpers: true,
			Scripts: maintscript.DebhelperConventions{TmpfilesOutput: true, DpkgRootSet: true, LinksUnderDpkgRoot: true}},
		"13.31": {Version: "13.31", UsrUnits: true, Compat14PkgFiles: true, NoInitSystemHelpers: true,
			Scripts: maintscript.DebhelperConventions{TmpfilesOutput: true, DpkgRootSet: true}},
	} {
		got, err := BehaviourOf(v)
		require.NoError(t, err, v)
		assert.Equal(t, want, got, v)
	}
	for _, v := range Followed {
		_, err := BehaviourOf(v)
		assert.NoError(t, err, v)
	}
}

func TestBehaviourOfRejects(t *testing.T) {
	for v, want := range map[string]string{
		"12.10":    "follows debhelper 13 and 14",
		"15.0":     "follows debhelper 13 and 14",
		"13.x;rm ": `debhelper version "13.x;rm "`,
		"":         `debhelper version ""`,
	} {
		_, err := BehaviourOf(v)
		require.Error(t, err, v)
		assert.Contains(t, err.Error(), want, v)
	}
}

func TestDetectOverride(t *testing.T) {
	b, warning, err := detect(func(k string) string { return map[string]string{VersionEnv: "13.24.2"}[k] })
	require.NoError(t, err)
	assert.Empty(t, warning)
	assert.Equal(t, "13.24.2", b.Version)
	assert.Equal(t, "$"+VersionEnv, b.From)
	_, _, err = detect(func(k string) string { return map[string]string{VersionEnv: "9"}[k] })
	assert.ErrorContains(t, err, `debhelper version "9"`)
}

func TestParseDhVersion(t *testing.T) {
	for in, want := range map[string]string{
		"package Debian::Debhelper::Dh_Version;\n$version='13.11.4';\n1\n": "13.11.4",
		"$version = \"14.5\" ;\n":                     "14.5",
		"package Debian::Debhelper::Dh_Version;\n1\n": "",
	} {
		assert.Equal(t, want, parseDhVersion([]byte(in)), "%q", in)
	}
}

// BenchmarkDetect measures the version detection every run does (the installed debhelper's
// Dh_Version.pm, or dpkg-query without it).
func BenchmarkDetect(b *testing.B) {
	env := func(string) string { return "" }
	for b.Loop() {
		if _, _, err := detect(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDpkgQuery measures the fallback, for comparison.
func BenchmarkDpkgQuery(b *testing.B) {
	for b.Loop() {
		installedVersionFromDpkg()
	}
}
