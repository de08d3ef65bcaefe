//go:build integration

package debhelper

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// optionsProbe is a debhelper command with two flags of its own that prints
// what Dh_Getopt made of its arguments and environment.
const optionsProbe = `#!/usr/bin/perl
use strict;
use warnings;
use Debian::Debhelper::Dh_Lib;
our $VERSION = '0';
my ($nostart, $restart);
init(options => {
	'no-start' => \$nostart,
	'R|restart-after-upgrade!' => \$restart,
});
print 'packages=', join(',', @{$dh{DOPACKAGES}}), "\n";
print 'verbose=', ($dh{VERBOSE} ? 1 : 0), ' noact=', ($dh{NO_ACT} ? 1 : 0), ' noscripts=', ($dh{NOSCRIPTS} ? 1 : 0), "\n";
print 'name=', $dh{NAME} // '', ' tmpdir=', $dh{TMPDIR} // '', ' mainpackage=', $dh{MAINPACKAGE}, "\n";
print 'uparams=', join(',', @{$dh{U_PARAMS}}), "\n";
print 'args=', join(',', @ARGV), "\n";
print 'nostart=', ($nostart ? 1 : 0), ' restart=', $restart // 'undef', "\n";
`

const probeControl = `Source: hello
Build-Depends: debhelper-compat (= 13)

Package: hello
Architecture: any

Package: hello-doc
Architecture: all

Package: hello-i386
Architecture: i386 kfreebsd-any

Package: hello-linux
Architecture: linux-any

Package: hello-tests
Architecture: all
Build-Profiles: <!nocheck>
`

// describeOurs prints our view in the probe's format.
func describeOurs(t *testing.T, args []string, env map[string]string) string {
	var nostart bool
	restart := "undef"
	flags := []Flag{
		{Names: []string{"no-start"}, Bool: func(on bool) { nostart = on }},
		{Names: []string{"R", "restart-after-upgrade"}, Negatable: true, Bool: func(on bool) { restart = map[bool]string{true: "1", false: "0"}[on] }},
	}
	o, err := ParseOptions(args, envOf(env), flags)
	require.NoError(t, err)
	pkgs := []Package{{"hello", "any", ""}, {"hello-doc", "all", ""}, {"hello-i386", "i386 kfreebsd-any", ""}, {"hello-linux", "linux-any", ""}, {"hello-tests", "all", "<!nocheck>"}}
	sel, err := SelectPackages(o, pkgs, env["DEB_HOST_ARCH"])
	require.NoError(t, err)
	// Without non-option arguments, debhelper leaves the arguments after
	// "--" in @ARGV; Options keeps them apart, in Rest.
	argv := o.Args
	if len(argv) == 0 {
		argv = o.Rest
	}
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return fmt.Sprintf("packages=%s\nverbose=%d noact=%d noscripts=%d\nname=%s tmpdir=%s mainpackage=%s\nuparams=%s\nargs=%s\nnostart=%d restart=%s\n",
		strings.Join(sel, ","), b(o.Verbose), b(o.NoAct), b(o.NoScripts), o.Name, o.TmpDir, MainPackage(o, pkgs),
		strings.Join(o.UParams, ","), strings.Join(argv, ","), b(nostart), restart)
}

// TestOptionsMatchDebhelper runs argument lists through Dh_Getopt and
// through ParseOptions and SelectPackages and compares the outcome.
func TestOptionsMatchDebhelper(t *testing.T) {
	requireDebhelper(t)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"debian/control": probeControl})
	prog := filepath.Join(t.TempDir(), "dh_probe")
	require.NoError(t, os.WriteFile(prog, []byte(optionsProbe), 0o755))

	tests := []struct {
		args []string
		env  map[string]string
	}{
		{nil, nil},
		{[]string{"-a"}, nil},
		{[]string{"-i"}, nil},
		{[]string{"-phello-linux", "-i", "-phello"}, nil},
		{[]string{"-Nhello", "-v"}, nil},
		{[]string{"-vnphello", "--no-act"}, nil},
		{[]string{"--name=foo", "-P", "debian/x", "-phello"}, nil},
		{[]string{"--mainpackage", "hello-doc", "-u", "defaults 20", "--", "-f", "x"}, nil},
		{[]string{"multiuser", "--no-start", "-R", "--norestart-after-upgrade", "pos"}, nil},
		{[]string{"-O--no-start", "-O--buildsystem=cmake", "-O-v", "-O--no-R", "-Oarg"}, nil},
		{[]string{"-phello"}, map[string]string{"DH_OPTIONS": "-v --unknown-opt -Nhello-doc extra"}},
		{[]string{"b"}, map[string]string{"DH_OPTIONS": "a -- x y"}},
		{nil, map[string]string{"DH_INTERNAL_OPTIONS": "-a\x1e-Nhello\x1e-O--no-start"}},
		{[]string{"-phello-doc", "-phello-linux"}, map[string]string{"DH_INTERNAL_OPTIONS": "-i"}},
		{nil, map[string]string{"DEB_HOST_ARCH": "i386"}},
		{[]string{"-a"}, map[string]string{"DEB_HOST_ARCH": "kfreebsd-amd64", "DEB_HOST_ARCH_OS": "kfreebsd"}},
		{nil, map[string]string{"DH_VERBOSE": "1", "DH_NO_ACT": "yes"}},
		{[]string{"-phello-i386", "-phello"}, nil},
		{[]string{"-a", "--no-package=hello-linux"}, nil},
		{[]string{"-i", "-phello-tests"}, map[string]string{"DEB_BUILD_PROFILES": "nocheck"}},
	}
	for _, tt := range tests {
		env := map[string]string{"DEB_HOST_ARCH": "amd64"}
		for k, v := range tt.env {
			env[k] = v
		}
		cmd := exec.Command("perl", append([]string{prog}, tt.args...)...)
		cmd.Dir = root
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "DH_") && !strings.HasPrefix(kv, "DEB_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		want, err := cmd.Output()
		require.NoError(t, err, "debhelper with %q %q", tt.args, tt.env)
		assert.Equal(t, string(want), describeOurs(t, tt.args, env), "args %q, env %q", tt.args, tt.env)
	}
}
