package explain

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// Transition kinds, as the output names them.
const (
	kindInstall   = "install"
	kindUpgrade   = "upgrade"
	kindDowngrade = "downgrade"
	kindReinstall = "reinstall"
	kindRemove    = "remove"
	kindPurge     = "purge"
)

// Steps --fail can fail: a maintainer script (which one dpkg calls depends on the
// transition) or dpkg's unpacking of the new version's files.
var failSteps = []string{"preinst", "prerm", "postrm", "postinst", "unpack"}

// Transition is a checked --from/--to/--config-files/--fail combination.
type Transition struct {
	kind string
	// from is the version installed before ("" for none); to the version installed after
	// ("" for a removal or purge). At least one of them is the version the tree builds.
	from, to    string
	configFiles bool
	// fail is the step --fail names ("" for none); early says it fails before the script's
	// code runs rather than after.
	fail  string
	early bool
	// injected is the simulator's failure for fail.
	injected *simulate.Fail
}

// ParseTransition checks the transition options against the version the tree builds
// (built). from is "none" or "" for no installed version; to is "" for the version built,
// another version (one of from and to must be the version built), "none" (remove) or "purge".
func ParseTransition(from, to string, configFiles bool, fail string, early bool, built string) (Transition, error) {
	if from == "none" {
		from = ""
	}
	if to == "" {
		to = built
	}
	tr := Transition{from: from, configFiles: configFiles, fail: fail, early: early}
	for _, v := range []struct{ flag, value string }{{"--from", from}, {"--to", to}} {
		if v.value == "" || v.value == "none" || v.value == "purge" {
			continue
		}
		if err := maintscript.CheckVersion(v.value); err != nil {
			return tr, fmt.Errorf("%s %q: %v", v.flag, v.value, err)
		}
	}
	switch {
	case to == "none" || to == "purge":
		tr.kind = kindRemove
		if to == "purge" {
			tr.kind = kindPurge
		}
		if from != built {
			return tr, fmt.Errorf("--to %s acts on the installed package, which must be the version the tree builds: use --from %s", to, built)
		}
		if configFiles && to == "none" {
			return tr, errors.New("--to none with --config-files: a package in the config-files state is already removed")
		}
	case from != built && to != built:
		return tr, fmt.Errorf("--from %s --to %s: the tree builds %s, which must be one of them (the other is modelled)", orNone(from), to, built)
	default:
		tr.to = to
		switch {
		case from == "" && configFiles:
			return tr, errors.New("--config-files needs the version that left its conffiles behind: --from OLD")
		case from == "" || configFiles:
			tr.kind = kindInstall
		default:
			tr.kind = compareKind(from, to)
		}
	}
	if fail == "" {
		if early {
			return tr, errors.New("--fail-early needs --fail")
		}
		return tr, nil
	}
	f, ok := failurePoints(tr)[fail]
	switch {
	case !ok:
		return tr, fmt.Errorf("--fail %s: dpkg %s in %s", fail, failedStepRole(fail, true), tr.describe())
	case early && fail == "unpack":
		return tr, errors.New("--fail-early: the unpack is not a script")
	}
	f.After = !early && fail != "unpack"
	tr.injected = &f
	return tr, nil
}

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// compareKind names the transition from an installed version to another.
func compareKind(from, to string) string {
	switch c, _ := maintscript.CompareVersions(from, to); {
	case c < 0:
		return kindUpgrade
	case c > 0:
		return kindDowngrade
	}
	return kindReinstall
}

// failedStepRole names the step --fail fails, for messages; with missing, the words say
// that dpkg does not run it.
func failedStepRole(step string, missing bool) string {
	role := "old " + step
	switch step {
	case "preinst", "postinst":
		role = "new " + step
	case "unpack":
		if missing {
			return "unpacks nothing"
		}
		return "unpack"
	}
	if missing {
		return "runs no " + role
	}
	return role
}

// failurePoints are the steps --fail can fail in a transition, as simulator failures.
func failurePoints(tr Transition) map[string]simulate.Fail {
	switch {
	case tr.kind == kindRemove:
		return map[string]simulate.Fail{
			"prerm":  {Script: "prerm", Version: simulate.Old, Action: "remove"},
			"postrm": {Script: "postrm", Version: simulate.Old, Action: "remove"},
		}
	case tr.kind == kindPurge && tr.configFiles:
		return map[string]simulate.Fail{"postrm": {Script: "postrm", Version: simulate.Old, Action: "purge"}}
	case tr.kind == kindPurge:
		return map[string]simulate.Fail{
			"prerm":  {Script: "prerm", Version: simulate.Old, Action: "remove"},
			"postrm": {Script: "postrm", Version: simulate.Old, Action: "purge"},
		}
	case tr.from == "" || tr.configFiles:
		return map[string]simulate.Fail{
			"preinst":  {Script: "preinst", Version: simulate.New, Action: "install"},
			"unpack":   {Script: "unpack"},
			"postinst": {Script: "postinst", Version: simulate.New, Action: "configure"},
		}
	}
	return map[string]simulate.Fail{
		"preinst":  {Script: "preinst", Version: simulate.New, Action: "upgrade"},
		"prerm":    {Script: "prerm", Version: simulate.Old, Action: "upgrade"},
		"unpack":   {Script: "unpack"},
		"postrm":   {Script: "postrm", Version: simulate.Old, Action: "upgrade"},
		"postinst": {Script: "postinst", Version: simulate.New, Action: "configure"},
	}
}

// describe words the transition: "an upgrade from 1.0 to 2.0".
func (tr Transition) describe() string {
	switch {
	case tr.kind == kindRemove:
		return "a removal of " + tr.from
	case tr.kind == kindPurge && tr.configFiles:
		return "a purge of " + tr.from + " from the config-files state"
	case tr.kind == kindPurge:
		return "a purge of " + tr.from
	case tr.from == "":
		return "an install of " + tr.to
	case tr.configFiles:
		return "an install of " + tr.to + " over the config-files state of " + tr.from
	}
	article := "a "
	if tr.kind == kindUpgrade {
		article = "an "
	}
	return article + tr.kind + " from " + tr.from + " to " + tr.to
}

// failure words the injected failure: "with the new preinst failing after its code ran".
func (tr Transition) failure() string {
	switch {
	case tr.fail == "":
		return ""
	case tr.fail == "unpack":
		return "with dpkg's unpack failing (--fail unpack)"
	case tr.early:
		return fmt.Sprintf("with the %s failing before its code runs (--fail %s --fail-early)", failedStepRole(tr.fail, false), tr.fail)
	}
	return fmt.Sprintf("with the %s failing after its code ran (--fail %s)", failedStepRole(tr.fail, false), tr.fail)
}

// failList is the --fail values, for messages.
func failList() string {
	steps := slices.Clone(failSteps)
	return strings.Join(steps[:len(steps)-1], ", ") + " or " + steps[len(steps)-1]
}
