// Package explain is teardown explain: the dpkg call sequence of one transition of a
// package (Debian Policy 6.5–6.8) and, at each step, the commands its maintainer scripts
// run, found by executing the scripts in maintscript/simulate (stubbed commands, a
// simulated file system), not from a second model of them.
//
// The version the source tree builds is generated: dh_teardown's code for its declarations
// and the drop-in dh_installinit's for the daemons it ships, with the options debian/rules
// gives dh_installinit (override_dh_installinit). The other version of the transition is
// modelled from the declarations: the daemons and documents it shipped, their init scripts'
// headers as the tree's source init scripts have them (or multiuser from Multiuser-Since
// on), and the drop-in's init code. Both come from the project's own templates, so an
// explanation is the same on every host.
//
// The files of the package: command.go (the command line), transition.go (which
// transitions and failures exist), rules.go (debian/rules), versions.go (the two versions),
// explain.go (running the transition), output.go (JSON and text).
package explain

import (
	"fmt"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
	"github.com/dh-teardown/dh-teardown/templates"
)

// The init systems the simulated machine can run (--init).
const (
	initSysvinit = "sysvinit"
	initSystemd  = "systemd"
)

// explain builds both versions of the package, sets the simulated system, booted with
// initSystem, up in the state before the transition, and runs the transition's dpkg commands.
func explain(tree *srctree.Tree, out srctree.PackageOutput, tr Transition, initSystem string) (*explanation, error) {
	decls := out.Input.Declarations
	systemd := initSystem == initSystemd
	ex := &explanation{Package: out.Package, Transition: tr.kind, From: tr.from, To: tr.to, ConfigFiles: tr.configFiles,
		Fail: tr.fail, FailEarly: tr.early, Init: initSystem, tr: tr}
	switch tr.kind {
	case kindRemove:
		ex.To = "none"
	case kindPurge:
		ex.To = "purge"
	}
	vs := versions{tree: tree, out: out, rules: readInitOptions(tree, out.Package), units: systemd}
	ex.Notes = vs.rules.notes
	built, err := vs.generated()
	if err != nil {
		return nil, err
	}
	side := func(number string) (*version, error) {
		switch number {
		case "":
			return nil, nil
		case built.pkg.Version:
			return &built, nil
		}
		m, err := vs.modelled(number)
		return &m, err
	}
	var old, next *version
	if old, err = side(tr.from); err != nil {
		return nil, err
	}
	if tr.kind != kindRemove && tr.kind != kindPurge {
		if next, err = side(tr.to); err != nil {
			return nil, err
		}
	}
	if next != nil {
		ex.Assumptions = append(ex.Assumptions, next.about)
	}
	if old != nil && old != next {
		ex.Assumptions = append(ex.Assumptions, old.about)
	}
	if !vs.rules.overridden {
		ex.Assumptions = append(ex.Assumptions, "debian/rules has no override_dh_installinit: dh runs dh_installinit with its default options")
	} else {
		ex.Assumptions = append(ex.Assumptions, "the options debian/rules gives dh_installinit (override_dh_installinit) apply to every version")
	}
	if systemd {
		ex.Assumptions = append(ex.Assumptions,
			"the system runs systemd, without policy-rc.d; units are not run, a unit counts as active after a successful start and inactive after a stop",
			"a daemon runs before the transition when the version installed ships it: its units are enabled and active, as dh_installsystemd's code makes them")
	} else {
		ex.Assumptions = append(ex.Assumptions,
			"the system runs sysvinit in runlevel 2, without policy-rc.d; init scripts are not run, a daemon counts as running after a successful start and stopped after a stop",
			"a daemon runs before the transition when the version installed ships it (its postinst started it)")
	}
	if old != nil {
		ex.Old, ex.oldPkg = versionOf(old.pkg, old.origin), &old.pkg
	}
	if next != nil {
		ex.New, ex.newPkg = versionOf(next.pkg, next.origin), &next.pkg
	}

	sys := simulate.NewSystem()
	if systemd {
		sys.BootSystemd()
	}
	if old != nil {
		if err := setUp(sys, *old, decls, tr); err != nil {
			return nil, err
		}
	}
	ex.Before = stateOf(sys, out.Package, decls, systemd)
	var opts []simulate.Option
	if tr.injected != nil {
		opts = append(opts, *tr.injected)
	}
	record := func(command string, t *simulate.Trace, err error) bool {
		if t == nil {
			ex.Operations = append(ex.Operations, operationJSON{Command: command, Status: string(sys.Status(out.Package)), Error: err.Error()})
			return false
		}
		ex.Operations = append(ex.Operations, operationOf(command, t))
		return err == nil
	}
	switch tr.kind {
	case kindRemove:
		t, err := sys.Remove(out.Package, opts...)
		record("dpkg --remove "+out.Package, t, err)
	case kindPurge:
		t, err := sys.Purge(out.Package, opts...)
		record("dpkg --purge "+out.Package, t, err)
	default:
		deb := fmt.Sprintf("%s_%s_all.deb", out.Package, next.pkg.Version)
		t, err := sys.Unpack(next.pkg, opts...)
		if record("dpkg --unpack "+deb, t, err) {
			t, err = sys.Configure(out.Package, opts...)
			record("dpkg --configure "+out.Package, t, err)
		}
	}
	ex.After = stateOf(sys, out.Package, decls, systemd)
	return ex, nil
}

// setUp brings the system to the state before the transition: old installed (its postinst
// starts its daemons), its units enabled and started as dh_installsystemd's postinst code
// does, explicitly registered info documents registered, and for --config-files old removed.
func setUp(sys *simulate.System, v version, decls *maintscript.Declarations, tr Transition) error {
	old := v.pkg
	if t, err := sys.Install(old); err != nil {
		return fmt.Errorf("setting up: installing %s %s in the simulation failed: %v%s", old.Name, old.Version, err, unknownCommands(t))
	}
	for _, u := range v.units {
		src := "deb-systemd-helper enable " + templates.Quote(u) + " >/dev/null\nif [ -d /run/systemd/system ]; then deb-systemd-invoke start " + templates.Quote(u) + " >/dev/null; fi\n"
		if step, err := sys.RunScript(old.Name, "postinst", src, "configure"); err != nil || step.Exit != 0 {
			return fmt.Errorf("setting up: enabling and starting %s in the simulation failed: %v %s", u, err, step.Output)
		}
	}
	for _, info := range decls.Infos {
		if info.Registration != maintscript.Explicit || !sys.FS.Exists(info.File) {
			continue
		}
		src := "install-info --info-dir=" + maintscript.InfoDir + " '" + info.File + "'\n"
		if step, err := sys.RunScript(old.Name, "postinst", src, "configure"); err != nil || step.Exit != 0 {
			return fmt.Errorf("setting up: registering %s in the simulation failed: %v %s", info.File, err, step.Output)
		}
	}
	if tr.configFiles {
		if t, err := sys.Remove(old.Name); err != nil {
			return fmt.Errorf("setting up: removing %s %s in the simulation failed: %v%s", old.Name, old.Version, err, unknownCommands(t))
		}
	}
	return nil
}

func unknownCommands(t *simulate.Trace) string {
	if t == nil || len(t.Unknown()) == 0 {
		return ""
	}
	return " (commands the simulation does not know: " + strings.Join(t.Unknown(), "; ") + ")"
}
