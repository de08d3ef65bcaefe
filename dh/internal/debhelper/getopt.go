package debhelper

import (
	"fmt"
	"strings"
)

// argKind says whether an option takes an argument.
type argKind int

const (
	noArg       argKind = iota // a switch: -v, --verbose
	requiredArg                // =s in Getopt::Long: -p PKG, -pPKG, --package=PKG, --package PKG
	optionalArg                // :s in Getopt::Long: -V, -VX, -V X, --V=X
)

// option is one entry of an option table; several names may share it.
type option struct {
	arg       argKind
	negatable bool
	// apply receives the argument (for requiredArg and optionalArg) or
	// whether the switch is on (false only for the negated form).
	apply func(arg string, on bool) error
}

// optionTable maps option names, without dashes, to their option.
type optionTable map[string]*option

// parseResult is what one pass over an argument list yields besides the
// effects of the options themselves.
type parseResult struct {
	positional []string // non-option arguments, in order
	rest       []string // arguments after "--"
	problems   []string // unknown options and argument errors
}

// parse walks args the way Getopt::Long does with debhelper's configuration
// ("bundling", "no_ignore_case", "no_auto_abbrev", a "<>" handler so that
// options and non-options may be mixed): "--" ends the options; "--name" and
// "--name=value" are long options (any name, also a single letter, can be
// given this way, and "--no-name"/"--noname" negates a negatable one); "-xyz"
// is a bundle of single-letter options in which the first one that takes an
// argument consumes the rest of the bundle or, if nothing is left, the next
// argument; "-" alone is a non-option. A required argument is taken whatever
// it looks like ("-p -a" selects a package named "-a"); an optional one is
// not taken from the next argument when that looks like an option.
//
// Parsing goes on after a problem, so that all of them are reported. With
// dryRun set, options are recognised but not applied.
func (t optionTable) parse(args []string, dryRun bool) parseResult {
	var res parseResult
	apply := func(name string, o *option, arg string, on bool) {
		if dryRun {
			return
		}
		if err := o.apply(arg, on); err != nil {
			res.problems = append(res.problems, fmt.Sprintf("option %s: %v", name, err))
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			res.rest = append(res.rest, args[i+1:]...)
			return res
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			o, on := t.lookupLong(name)
			if o == nil {
				res.problems = append(res.problems, "unknown option: "+a)
				continue
			}
			display := "--" + name
			switch o.arg {
			case noArg:
				if hasValue {
					res.problems = append(res.problems, fmt.Sprintf("option %s does not take an argument", display))
					continue
				}
				apply(display, o, "", on)
			case requiredArg:
				switch {
				case hasValue && value != "":
				case !hasValue && i+1 < len(args):
					i++
					value = args[i]
				default:
					res.problems = append(res.problems, fmt.Sprintf("option %s requires an argument", display))
					continue
				}
				apply(display, o, value, true)
			case optionalArg:
				if !hasValue && i+1 < len(args) && !looksLikeOption(args[i+1]) {
					i++
					value = args[i]
				}
				apply(display, o, value, true)
			}
		case strings.HasPrefix(a, "-") && a != "-":
			bundle := []rune(a[1:])
			for j := 0; j < len(bundle); j++ {
				name := string(bundle[j])
				display := "-" + name
				o := t[name]
				if o == nil {
					res.problems = append(res.problems, "unknown option: "+display)
					continue
				}
				if o.arg == noArg {
					apply(display, o, "", true)
					continue
				}
				value := string(bundle[j+1:])
				j = len(bundle)
				if value == "" && i+1 < len(args) && (o.arg == requiredArg || !looksLikeOption(args[i+1])) {
					i++
					value = args[i]
				} else if value == "" && o.arg == requiredArg {
					res.problems = append(res.problems, fmt.Sprintf("option %s requires an argument", display))
					continue
				}
				apply(display, o, value, true)
			}
		default:
			res.positional = append(res.positional, a)
		}
	}
	return res
}

// lookupLong finds a long option, or the negatable option that "no-NAME" or
// "noNAME" negates; on is false for the negated form.
func (t optionTable) lookupLong(name string) (o *option, on bool) {
	if o := t[name]; o != nil && name != "" {
		return o, true
	}
	for _, prefix := range []string{"no-", "no"} {
		if base, ok := strings.CutPrefix(name, prefix); ok {
			if o := t[base]; o != nil && o.negatable {
				return o, false
			}
		}
	}
	return nil, false
}

// looksLikeOption reports whether an argument would be read as an option
// (which keeps it from being taken as an optional argument).
func looksLikeOption(a string) bool {
	return strings.HasPrefix(a, "-") && a != "-"
}
