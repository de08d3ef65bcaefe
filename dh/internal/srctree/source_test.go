package srctree

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testControl = `Source: hello
Maintainer: A <a@example.org>
Build-Depends: debhelper-compat (= 13), dh-sequence-teardown

Package: hello
Architecture: all
Description: x

Package: hello-bin
Architecture: linux-any
Build-Profiles: <!nocheck>
Description: y
`

const testChangelog = "hello (1:2.0-1) unstable; urgency=medium\n\n  * x\n\n -- A <a@example.org>  Sat, 21 Nov 2026 12:00:00 +0000\n"

func TestReadSource(t *testing.T) {
	src, diags := ReadSource(fstest.MapFS{
		"debian/control":   {Data: []byte(testControl)},
		"debian/changelog": {Data: []byte(testChangelog)},
	})
	require.Empty(t, diags)
	assert.Equal(t, "hello", src.Name)
	assert.Equal(t, "1:2.0-1", src.Version)
	assert.Equal(t, 13, src.Compat)
	assert.Equal(t, []BinaryPackage{
		{Name: "hello", Architecture: "all", Line: 5},
		{Name: "hello-bin", Architecture: "linux-any", BuildProfiles: "<!nocheck>", Line: 9},
	}, src.Packages)
}

func TestReadSourceCompatFile(t *testing.T) {
	src, diags := ReadSource(fstest.MapFS{
		"debian/control":   {Data: []byte("Source: a\n\nPackage: aa\nArchitecture: any\n")},
		"debian/changelog": {Data: []byte(testChangelog)},
		"debian/compat":    {Data: []byte("12\n")},
	})
	require.Empty(t, diags)
	assert.Equal(t, 12, src.Compat)
}

func TestReadSourceReportsEveryProblem(t *testing.T) {
	_, diags := ReadSource(fstest.MapFS{
		"debian/control":   {Data: []byte("Source: a\nBuild-Depends: debhelper-compat (>= 13)\n\nPackage: Bad_Name\nArchitecture: all\n\nPackage: ok\n")},
		"debian/changelog": {Data: []byte("garbage\n")},
	})
	assert.Equal(t, `debian/changelog:1: cannot read the top entry: version string is empty
debian/control:2: debhelper-compat needs an exact version: debhelper-compat (= N)
debian/control:4: package "Bad_Name": not a valid package name (lower-case letters, digits, "+", "-", ".", at least two characters)
debian/control:7: package "ok": no Architecture field`, diags.Error())
}

func TestReadSourceMissingControl(t *testing.T) {
	_, diags := ReadSource(fstest.MapFS{})
	assert.Equal(t, "debian/control: no such file", diags.Error())
}

func TestReadSourceContinuedBuildDependsAndSyntaxErrors(t *testing.T) {
	src, diags := ReadSource(fstest.MapFS{
		"debian/control":   {Data: []byte("Source: a\nBuild-Depends: dpkg-dev,\n debhelper-compat (= 12),\n# a comment\n perl\n\nPackage: aa\nArchitecture: any\n")},
		"debian/changelog": {Data: []byte(testChangelog)},
	})
	require.Empty(t, diags)
	assert.Equal(t, 12, src.Compat)

	_, diags = ReadSource(fstest.MapFS{
		"debian/control":   {Data: []byte("Source: a\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: aa\nArchitecture all\n")},
		"debian/changelog": {Data: []byte(testChangelog)},
	})
	assert.Equal(t, `debian/control:4: package "aa": no Architecture field
debian/control:5: expected "Field: value", found "Architecture all"`, diags.Error())
}
