package debhelper

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// control is a debian/control with every kind of Architecture.
var control = []Package{
	{Name: "hello", Architecture: "any"},
	{Name: "hello-doc", Architecture: "all"},
	{Name: "hello-linux", Architecture: "linux-any"},
	{Name: "hello-i386", Architecture: "i386 kfreebsd-any"},
	{Name: "hello-x86", Architecture: "amd64 i386"},
	{Name: "hello-tests", Architecture: "all", BuildProfiles: "<!nocheck>"},
}

func TestSelectPackages(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		host string
		want []string
	}{
		{"default: all buildable", nil, nil, "amd64", []string{"hello", "hello-doc", "hello-linux", "hello-x86", "hello-tests"}},
		{"other host", nil, nil, "i386", []string{"hello", "hello-doc", "hello-linux", "hello-i386", "hello-x86", "hello-tests"}},
		{"wildcard os", nil, nil, "kfreebsd-amd64", []string{"hello", "hello-doc", "hello-i386", "hello-tests"}},
		{"-a", []string{"-a"}, nil, "amd64", []string{"hello", "hello-linux", "hello-x86"}},
		{"-i", []string{"-i"}, nil, "amd64", []string{"hello-doc", "hello-tests"}},
		{"-p order kept, duplicates dropped", []string{"-phello-x86", "-i", "-phello-doc"}, nil, "amd64", []string{"hello-x86", "hello-doc", "hello-tests"}},
		{"-N", []string{"-Nhello", "--no-package=hello-doc"}, nil, "amd64", []string{"hello-linux", "hello-x86", "hello-tests"}},
		{"-a with -N", []string{"-a", "-Nhello-x86"}, nil, "amd64", []string{"hello", "hello-linux"}},
		{"-p of an unbuildable package is skipped", []string{"-phello-i386", "-phello"}, nil, "amd64", []string{"hello"}},
		{"build profile", nil, map[string]string{"DEB_BUILD_PROFILES": "nocheck"}, "amd64", []string{"hello", "hello-doc", "hello-linux", "hello-x86"}},
		{"DH_INTERNAL_OPTIONS restricts the default", nil, map[string]string{"DH_INTERNAL_OPTIONS": "-a\x1e-Nhello"}, "amd64", []string{"hello-linux", "hello-x86"}},
		{"DH_INTERNAL_OPTIONS with -p on the command line", []string{"-phello-linux"}, map[string]string{"DH_INTERNAL_OPTIONS": "-a"}, "amd64", []string{"hello-linux"}},
		{"-O-p", []string{"-O-phello-doc"}, nil, "amd64", []string{"hello-doc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseOptions(tt.args, envOf(tt.env), nil)
			require.NoError(t, err)
			got, err := SelectPackages(o, control, tt.host)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSelectPackagesNothingToDo(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		pkgs []Package
		want string
	}{
		{"no arch packages", []string{"-a"}, nil, control[1:2],
			"You asked that all arch in(dep) packages be built, but there are none of that type."},
		{"requested package excluded by profile", []string{"-phello-tests"}, map[string]string{"DEB_BUILD_PROFILES": "nocheck"}, control,
			"All requested packages have been excluded (e.g. via a Build-Profile or due to architecture restrictions)."},
		{"architecture mismatch", nil, nil, []Package{{Name: "a", Architecture: "i386"}, {Name: "b", Architecture: "armhf arm64"}},
			"No packages to build. Possible architecture mismatch: amd64, want: armhf arm64 i386"},
		{"everything excluded", []string{"-Nhello"}, nil, control[:1],
			"No packages to build. Possible architecture mismatch: amd64, want: any"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseOptions(tt.args, envOf(tt.env), nil)
			require.NoError(t, err)
			_, err = SelectPackages(o, tt.pkgs, "amd64")
			var none *NoPackagesError
			require.ErrorAs(t, err, &none)
			assert.Equal(t, tt.want, none.Msg)
		})
	}
}

func TestSelectPackagesUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-pnope", "-Nnix"}, []string{
			"requested unknown package nix via -N/--no-package, expected one of: hello hello-doc hello-linux hello-i386 hello-x86 hello-tests",
			"requested unknown package nope via -p/--package, expected one of: hello hello-doc hello-linux hello-i386 hello-x86 hello-tests",
		}},
		{[]string{"-P", "debian/tmp2"}, []string{
			"-P was specified, but multiple packages would be acted on (hello,hello-doc,hello-linux,hello-x86,hello-tests).",
		}},
	}
	for _, tt := range tests {
		o, err := ParseOptions(tt.args, envOf(nil), nil)
		require.NoError(t, err)
		_, err = SelectPackages(o, control, "amd64")
		var ue *UsageError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, tt.want, ue.Problems)
	}
}

func TestSelectPackagesBadProfiles(t *testing.T) {
	for _, field := range []string{"!nocheck", "<nocheck", "<>", "<!>"} {
		o, err := ParseOptions(nil, envOf(nil), nil)
		require.NoError(t, err)
		_, err = SelectPackages(o, []Package{{Name: "a", Architecture: "all", BuildProfiles: field}}, "amd64")
		assert.ErrorContains(t, err, "debian/control: package a: invalid Build-Profiles", field)
	}
}

func TestProfilesSatisfied(t *testing.T) {
	tests := []struct {
		field  string
		active []string
		want   bool
	}{
		{"", nil, true},
		{"<!nocheck>", nil, true},
		{"<!nocheck>", []string{"nocheck"}, false},
		{"<stage1 cross>", []string{"stage1"}, false},
		{"<stage1 cross>", []string{"cross", "stage1"}, true},
		{"<!stage1> <cross>", []string{"stage1"}, false},
		{"<!stage1> <cross>", []string{"stage1", "cross"}, true},
	}
	for _, tt := range tests {
		got, err := profilesSatisfied(tt.field, tt.active)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%q with %v", tt.field, tt.active)
	}
}

func TestLookupHost(t *testing.T) {
	h, err := LookupHost(envOf(map[string]string{"DEB_HOST_ARCH": "hurd-i386", "DEB_HOST_ARCH_OS": "hurd"}))
	require.NoError(t, err)
	assert.Equal(t, Host{Arch: "hurd-i386", OS: "hurd"}, h)
}

func TestMainPackage(t *testing.T) {
	o, err := ParseOptions(nil, envOf(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, "hello", MainPackage(o, control))
	o, err = ParseOptions([]string{"--mainpackage=hello-doc"}, envOf(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, "hello-doc", MainPackage(o, control))
}
