package debhelper

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envOf returns an env lookup function over a map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// toolFlags are flags like dh_installinit's, recording what they receive.
type toolFlags struct {
	noStart   bool
	restart   []bool
	initName  string
	onUpgrade string
}

func (f *toolFlags) flags() []Flag {
	return []Flag{
		{Names: []string{"no-start"}, Bool: func(on bool) { f.noStart = on }},
		{Names: []string{"R", "restart-after-upgrade"}, Negatable: true, Bool: func(on bool) { f.restart = append(f.restart, on) }},
		{Names: []string{"init-script"}, Value: func(s string) error { f.initName = s; return nil }},
		{Names: []string{"on-upgrade"}, Value: func(s string) error {
			switch s {
			case "restart", "stop-then-start", "none", "reload":
				f.onUpgrade = s
				return nil
			}
			return errors.New(`want one of restart, stop-then-start, none, reload`)
		}},
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, o *Options, f *toolFlags)
	}{
		{"nothing", nil, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.False(t, o.Verbose)
			assert.Equal(t, "exit 1", o.ErrorHandler)
			assert.Empty(t, o.selections)
			assert.Nil(t, o.Args)
		}},
		{"long and short forms", []string{"--verbose", "--no-act", "-ppkg1", "--package", "pkg2", "--package=pkg3", "-N", "pkg4", "--no-package=pkg5"}, nil,
			func(t *testing.T, o *Options, f *toolFlags) {
				assert.True(t, o.Verbose)
				assert.True(t, o.NoAct)
				assert.Equal(t, []selection{{selectPackage, "pkg1"}, {selectPackage, "pkg2"}, {selectPackage, "pkg3"}}, o.selections)
				assert.Equal(t, []string{"pkg4", "pkg5"}, o.excluded)
			}},
		{"selection order kept", []string{"-i", "-pfoo", "-a"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []selection{{selectIndep, ""}, {selectPackage, "foo"}, {selectArch, ""}}, o.selections)
		}},
		{"bundling", []string{"-vnpfoo", "-dA"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.Verbose)
			assert.True(t, o.NoScripts)
			assert.True(t, o.DFlag)
			assert.True(t, o.ParamsAll)
			assert.Equal(t, []selection{{selectPackage, "foo"}}, o.selections)
		}},
		{"argument taken from the rest of the bundle literally", []string{"-p=foo"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []selection{{selectPackage, "=foo"}}, o.selections)
		}},
		{"required argument taken whatever it looks like", []string{"-p", "-a", "--name", "--"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []selection{{selectPackage, "-a"}}, o.selections)
			assert.Equal(t, "--", o.Name)
			assert.Nil(t, o.Rest)
		}},
		{"single-letter option with two dashes", []string{"--p", "foo", "--P=debian/tmp2"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []selection{{selectPackage, "foo"}}, o.selections)
			assert.Equal(t, "debian/tmp2", o.TmpDir)
		}},
		{"optional argument", []string{"-V", "-a"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.VFlagSet)
			assert.Equal(t, "", o.VFlag)
			assert.Equal(t, []selection{{selectArch, ""}}, o.selections)
		}},
		{"optional argument from next word", []string{"-V", "1.2"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, "1.2", o.VFlag)
			assert.Nil(t, o.Args)
		}},
		{"positional and rest", []string{"multiuser", "-v", "-", "--", "-x", "defaults"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.Verbose)
			assert.Equal(t, []string{"multiuser", "-"}, o.Args)
			assert.Equal(t, []string{"-x", "defaults"}, o.Rest)
			assert.Equal(t, []string{"-x", "defaults"}, o.UParams)
		}},
		{"-u words before the rest", []string{"-u", "defaults 20  80", "--", "x"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []string{"defaults", "20", "80", "x"}, o.UParams)
		}},
		{"tool flags", []string{"--no-start", "-R", "--no-restart-after-upgrade", "--norestart-after-upgrade", "--no-R", "--init-script=foo", "--on-upgrade", "reload"}, nil,
			func(t *testing.T, o *Options, f *toolFlags) {
				assert.True(t, f.noStart)
				assert.Equal(t, []bool{true, false, false, false}, f.restart)
				assert.Equal(t, "foo", f.initName)
				assert.Equal(t, "reload", f.onUpgrade)
			}},
		{"-O applies known options", []string{"-O--no-start", "-O-v", "-O--name=foo", "-O-pbar"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, f.noStart)
			assert.True(t, o.Verbose)
			assert.Equal(t, "foo", o.Name)
			assert.Equal(t, []selection{{selectPackage, "bar"}}, o.selections)
		}},
		{"-O ignores unknown options and broken ones", []string{"-O--buildsystem=cmake", "-O--parallel", "-O--no-start=1", "-O-p", "-O-vZ", "-O", "--with=foo"}, nil,
			func(t *testing.T, o *Options, f *toolFlags) {
				assert.False(t, f.noStart)
				assert.False(t, o.Verbose, "-vZ has an unknown letter, so none of it applies")
				assert.Empty(t, o.selections)
			}},
		{"-O non-option becomes an argument", []string{"-Omultiuser"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []string{"multiuser"}, o.Args)
		}},
		{"DH_OPTIONS", nil, map[string]string{"DH_OPTIONS": "  -v --bogus -Nfoo"}, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.Verbose)
			assert.Equal(t, []string{"foo"}, o.excluded)
			assert.Equal(t, []string{"unknown option: --bogus", "ignored unknown options in DH_OPTIONS"}, o.Warnings)
		}},
		{"DH_OPTIONS arguments first, its rest last", []string{"b", "--", "y"}, map[string]string{"DH_OPTIONS": "a -- x"}, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []string{"a", "b"}, o.Args)
			assert.Equal(t, []string{"y", "x"}, o.Rest)
		}},
		{"DH_INTERNAL_OPTIONS selections kept apart", []string{"-pc"}, map[string]string{"DH_INTERNAL_OPTIONS": "-a\x1e-pa\x1e-O--no-start"},
			func(t *testing.T, o *Options, f *toolFlags) {
				assert.True(t, o.internalSet)
				assert.Equal(t, []selection{{selectArch, ""}, {selectPackage, "a"}}, o.internalSelections)
				assert.Equal(t, []selection{{selectPackage, "c"}}, o.selections)
				assert.True(t, f.noStart)
			}},
		{"environment switches", nil, map[string]string{"DH_VERBOSE": "1", "DH_QUIET": "1", "DH_NO_ACT": "0", "DH_ALWAYS_EXCLUDE": "CVS:.svn",
			"DEB_BUILD_PROFILES": "nocheck  stage1"}, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.Verbose)
			assert.False(t, o.Quiet, "DH_VERBOSE wins over DH_QUIET")
			assert.True(t, o.NoAct, "any non-empty value counts, as in debhelper")
			assert.Equal(t, []string{"CVS", ".svn"}, o.Exclude)
			assert.Equal(t, []string{"nocheck", "stage1"}, o.BuildProfiles)
		}},
		{"quiet from DEB_BUILD_OPTIONS", nil, map[string]string{"DEB_BUILD_OPTIONS": "nocheck terse"}, func(t *testing.T, o *Options, f *toolFlags) {
			assert.True(t, o.Quiet)
		}},
		{"-s is -a with a warning", []string{"-s"}, nil, func(t *testing.T, o *Options, f *toolFlags) {
			assert.Equal(t, []selection{{selectArch, ""}}, o.selections)
			assert.Len(t, o.Warnings, 1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f toolFlags
			o, err := ParseOptions(tt.args, envOf(tt.env), f.flags())
			require.NoError(t, err)
			tt.check(t, o, &f)
		})
	}
}

func TestParseOptionsUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--bogus"}, []string{"unknown option: --bogus"}},
		{[]string{"-vx"}, []string{"unknown option: -x"}},
		{[]string{"--Verbose"}, []string{"unknown option: --Verbose"}},
		{[]string{"--verb"}, []string{"unknown option: --verb"}},
		{[]string{"-p"}, []string{"option -p requires an argument"}},
		{[]string{"--name="}, []string{"option --name requires an argument"}},
		{[]string{"--no-act=1"}, []string{"option --no-act does not take an argument"}},
		{[]string{"--no-verbose"}, []string{"unknown option: --no-verbose"}},
		{[]string{"--on-upgrade=sometimes"}, []string{"option --on-upgrade: want one of restart, stop-then-start, none, reload"}},
		{[]string{"-y", "--zz", "-p"}, []string{"unknown option: -y", "unknown option: --zz", "option -p requires an argument"}},
		{[]string{"-O--on-upgrade=sometimes"}, []string{"option --on-upgrade: want one of restart, stop-then-start, none, reload"}},
	}
	for _, tt := range tests {
		var f toolFlags
		_, err := ParseOptions(tt.args, envOf(nil), f.flags())
		var ue *UsageError
		require.ErrorAs(t, err, &ue, "%q", tt.args)
		assert.Equal(t, tt.want, ue.Problems, "%q", tt.args)
	}
}

func TestParseOptionsBadFlagPanics(t *testing.T) {
	assert.Panics(t, func() {
		_, _ = ParseOptions(nil, envOf(nil), []Flag{{Names: []string{"x"}}})
	})
}
