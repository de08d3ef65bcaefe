package debhelper

import (
	"fmt"
	"strings"
)

// Options are the debhelper options common to all dh_* commands, as
// Dh_Getopt.pm (debhelper 13.11.4) parses them, after the environment
// (DH_INTERNAL_OPTIONS, DH_OPTIONS, DH_VERBOSE, DH_QUIET, DH_NO_ACT,
// DH_ALWAYS_EXCLUDE, DEB_BUILD_OPTIONS, DEB_BUILD_PROFILES) has been applied.
//
// Which packages to act on is not decided here: pass the Options to
// SelectPackages together with the packages of debian/control.
type Options struct {
	Verbose     bool // -v, --verbose, or DH_VERBOSE set to anything
	Quiet       bool // DH_QUIET set or "terse" in DEB_BUILD_OPTIONS (unless DH_VERBOSE is set)
	NoAct       bool // --no-act, or DH_NO_ACT set to anything
	Help        bool // -h, --help
	Version     bool // --version (dh-teardown's commands; debhelper's have none)
	NoScripts   bool // -n, --no-scripts, --noscripts: do not modify maintainer scripts
	OnlyScripts bool // -o, --only-scripts, --onlyscripts: only modify maintainer scripts
	DFlag       bool // -d
	ParamsAll   bool // -A, --all
	// RemainingPackages is --remaining-packages. It is parsed so that
	// debian/rules using it do not fail; packages are not skipped by it.
	RemainingPackages bool

	TmpDir       string   // -P, --tmpdir: package build directory instead of debian/PKG
	Name         string   // --name
	MainPackage  string   // --mainpackage; see MainPackage for the effective value
	DbgPackage   string   // --dbg-package
	ErrorHandler string   // --error-handler; "exit 1" when not given
	Exclude      []string // -X, --exclude (repeatable), then DH_ALWAYS_EXCLUDE split at ":"
	VFlag        string   // argument of -V, "" when given without one
	VFlagSet     bool     // whether -V was given

	// Args are the non-option arguments, in order (those from DH_OPTIONS
	// first, as in debhelper).
	Args []string
	// Rest are the arguments after "--" on the command line, followed by
	// those after "--" in DH_OPTIONS (or, without DH_OPTIONS, in
	// DH_INTERNAL_OPTIONS).
	Rest []string
	// UParams is debhelper's U_PARAMS: the whitespace-separated words of
	// the last -u option, followed by Rest.
	UParams []string

	// BuildProfiles are the active build profiles (DEB_BUILD_PROFILES).
	BuildProfiles []string

	// Warnings are messages the command should print with Warning: unknown
	// options ignored in DH_OPTIONS or DH_INTERNAL_OPTIONS, deprecated
	// options.
	Warnings []string

	selections         []selection // -a, -i, -s, -p in command-line order
	internalSelections []selection // the same from DH_INTERNAL_OPTIONS
	internalSet        bool        // DH_INTERNAL_OPTIONS selected packages
	excluded           []string    // -N
}

// selectionKind is how an option adds packages to act on.
type selectionKind int

const (
	selectArch    selectionKind = iota // -a, --arch, -s, --same-arch
	selectIndep                        // -i, --indep
	selectPackage                      // -p, --package
)

// selection is one package-adding option, kept in order because the order
// decides which package is acted on first.
type selection struct {
	kind selectionKind
	name string // for selectPackage
}

// Flag is a command-specific option, added to the common ones (and taking
// precedence over a common option of the same name).
//
// Exactly one of Value and Bool must be set: a Flag with Value takes an
// argument, one with Bool is a switch. Names without dashes; a one-letter
// name is a short option (usable in bundles such as -vn and with attached
// arguments such as -ufoo), but every name also works with two dashes.
type Flag struct {
	Names []string
	// Value receives the argument of each occurrence; an error is a usage
	// error naming the option.
	Value func(arg string) error
	// Bool receives true for each occurrence, or false for --no-NAME and
	// --noNAME when Negatable.
	Bool func(on bool)
	// Negatable makes --no-NAME and --noNAME valid (Getopt::Long's "!").
	Negatable bool
}

// UsageError is a bad command line. Commands exit with status 2 on it.
type UsageError struct {
	Problems []string
}

func (e *UsageError) Error() string { return strings.Join(e.Problems, "\n") }

// ParseOptions parses a command's arguments (without the command name) as
// debhelper does, with the common debhelper options plus the command's own
// extra flags. env looks up environment variables (os.Getenv); a variable
// set to the empty string counts as unset.
//
// As in debhelper, options come from three places, applied in this order:
// DH_INTERNAL_OPTIONS (set by dh for override targets; fields separated by
// 0x1e; packages it selects only restrict the default set, see
// SelectPackages), DH_OPTIONS (whitespace-separated; unknown options there
// only cause warnings), then args. An -O option (as in -O--foo=bar, which dh
// passes to every command) is applied when it parses without problems as a
// complete argument list and silently ignored otherwise.
//
// Unknown options and argument errors on the command line are reported all
// at once as a *UsageError. A Flag with both or neither of Value and Bool is
// a programming error and panics.
func ParseOptions(args []string, env func(string) string, extra []Flag) (*Options, error) {
	o := &Options{ErrorHandler: "exit 1"}
	var u string
	var uSet bool
	target := &o.selections
	table := o.table(&target, &u, &uSet)
	for _, f := range extra {
		table.add(f)
	}

	var envRest []string
	if v := env("DH_INTERNAL_OPTIONS"); v != "" {
		target = &o.internalSelections
		res := table.parseWithPassthrough(strings.Split(v, "\x1e"))
		o.Args = append(o.Args, res.positional...)
		o.Warnings = append(o.Warnings, res.problems...)
		envRest = res.rest
		o.internalSet = len(o.internalSelections) > 0
		target = &o.selections
	}
	if v := env("DH_OPTIONS"); v != "" {
		res := table.parseWithPassthrough(strings.Fields(v))
		o.Args = append(o.Args, res.positional...)
		if len(res.problems) > 0 {
			o.Warnings = append(o.Warnings, res.problems...)
			o.Warnings = append(o.Warnings, "ignored unknown options in DH_OPTIONS")
		}
		envRest = res.rest
	}
	res := table.parseWithPassthrough(args)
	if len(res.problems) > 0 {
		return nil, &UsageError{Problems: res.problems}
	}
	o.Args = append(o.Args, res.positional...)
	o.Rest = append(append(o.Rest, res.rest...), envRest...)
	if uSet {
		o.UParams = strings.Fields(u)
	}
	o.UParams = append(o.UParams, o.Rest...)

	if v := env("DH_ALWAYS_EXCLUDE"); v != "" {
		o.Exclude = append(o.Exclude, strings.Split(v, ":")...)
	}
	if env("DH_VERBOSE") != "" {
		o.Verbose = true
	} else if env("DH_QUIET") != "" || hasBuildOption(env("DEB_BUILD_OPTIONS"), "terse") {
		o.Quiet = true
	}
	if env("DH_NO_ACT") != "" {
		o.NoAct = true
	}
	o.BuildProfiles = strings.Fields(env("DEB_BUILD_PROFILES"))
	return o, nil
}

// table returns the common debhelper options bound to o. Package-selecting
// options record into *target, so that DH_INTERNAL_OPTIONS can be told
// apart; -u records into u.
func (o *Options) table(target **[]selection, u *string, uSet *bool) optionTable {
	t := optionTable{}
	set := func(p *bool) func(string, bool) error {
		return func(_ string, on bool) error { *p = on; return nil }
	}
	str := func(p *string) func(string, bool) error {
		return func(arg string, _ bool) error { *p = arg; return nil }
	}
	sel := func(kind selectionKind) func(string, bool) error {
		return func(arg string, _ bool) error {
			**target = append(**target, selection{kind: kind, name: arg})
			return nil
		}
	}
	t.set(noArg, set(&o.Verbose), "v", "verbose")
	t.set(noArg, set(&o.NoAct), "no-act")
	t.set(noArg, sel(selectIndep), "i", "indep")
	t.set(noArg, sel(selectArch), "a", "arch")
	t.set(noArg, func(string, bool) error {
		o.Warnings = append(o.Warnings, "-s/--same-arch is deprecated; please use -a/--arch instead")
		**target = append(**target, selection{kind: selectArch})
		return nil
	}, "s", "same-arch")
	t.set(requiredArg, sel(selectPackage), "p", "package")
	t.set(requiredArg, func(arg string, _ bool) error {
		o.excluded = append(o.excluded, arg)
		return nil
	}, "N", "no-package")
	t.set(noArg, set(&o.RemainingPackages), "remaining-packages")
	t.set(requiredArg, str(&o.DbgPackage), "dbg-package")
	t.set(noArg, set(&o.NoScripts), "n", "noscripts", "no-scripts")
	t.set(noArg, set(&o.OnlyScripts), "o", "onlyscripts", "only-scripts")
	t.set(requiredArg, func(arg string, _ bool) error {
		o.Exclude = append(o.Exclude, arg)
		return nil
	}, "X", "exclude")
	t.set(noArg, set(&o.DFlag), "d")
	t.set(requiredArg, str(&o.TmpDir), "P", "tmpdir")
	t.set(requiredArg, func(arg string, _ bool) error {
		*u, *uSet = arg, true
		return nil
	}, "u")
	t.set(optionalArg, func(arg string, _ bool) error {
		o.VFlag, o.VFlagSet = arg, true
		return nil
	}, "V")
	t.set(noArg, set(&o.ParamsAll), "A", "all")
	t.set(noArg, set(&o.Help), "h", "help")
	t.set(noArg, set(&o.Version), "version")
	t.set(requiredArg, str(&o.MainPackage), "mainpackage")
	t.set(requiredArg, str(&o.Name), "name")
	t.set(requiredArg, str(&o.ErrorHandler), "error-handler")
	return t
}

// set registers one option under several names.
func (t optionTable) set(arg argKind, apply func(string, bool) error, names ...string) {
	o := &option{arg: arg, apply: apply}
	for _, n := range names {
		t[n] = o
	}
}

// add registers a command-specific Flag.
func (t optionTable) add(f Flag) {
	switch {
	case (f.Value == nil) == (f.Bool == nil):
		panic(fmt.Sprintf("debhelper: flag %v needs exactly one of Value and Bool", f.Names))
	case f.Value != nil:
		t.set(requiredArg, func(arg string, _ bool) error { return f.Value(arg) }, f.Names...)
	default:
		o := &option{arg: noArg, negatable: f.Negatable, apply: func(_ string, on bool) error {
			f.Bool(on)
			return nil
		}}
		for _, n := range f.Names {
			t[n] = o
		}
	}
}

// parseWithPassthrough parses args and then each -O argument found in them:
// one that parses without problems on its own is applied (its non-option
// arguments join the positional ones, anything after a "--" in it is
// dropped), any other is ignored, as Dh_Getopt does.
func (t optionTable) parseWithPassthrough(args []string) parseResult {
	var passed []string
	t.set(requiredArg, func(arg string, _ bool) error {
		passed = append(passed, arg)
		return nil
	}, "O")
	res := t.parse(args, false)
	for _, p := range passed {
		if len(t.parse([]string{p}, true).problems) > 0 {
			continue
		}
		sub := t.parseWithPassthrough([]string{p})
		res.positional = append(res.positional, sub.positional...)
		res.problems = append(res.problems, sub.problems...)
	}
	return res
}

// hasBuildOption reports whether DEB_BUILD_OPTIONS lists the option.
func hasBuildOption(buildOptions, name string) bool {
	for _, f := range strings.Fields(buildOptions) {
		if f == name {
			return true
		}
	}
	return false
}
