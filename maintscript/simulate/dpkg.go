package simulate

import (
	"errors"
	"fmt"
)

// Option changes how one dpkg operation runs. Fail is the only option.
type Option interface{ apply(*op) }

// Fail injects a failure: every invocation of Script by the package version
// on the given side (Old, New, or either when empty) whose first argument is
// Action (any when empty) exits 1 without running, even when the package
// has no such script. With After, the script runs first and then exits 1, as
// when a hand-written part after #DEBHELPER# fails: what the generated code
// did has then to be unwound. Script "unpack" makes dpkg's extraction of the
// new files fail instead. During Install and Unpack the installed version is
// Old and the one being unpacked New; Configure runs New's postinst;
// Remove and Purge run Old's scripts.
type Fail struct {
	Script  string `json:"script"`
	Version Side   `json:"version,omitempty"`
	Action  string `json:"action,omitempty"`
	After   bool   `json:"after,omitempty"`
}

func (f Fail) apply(o *op) { o.fails = append(o.fails, f) }

func (f Fail) validate() error {
	switch f.Script {
	case "preinst", "postinst", "prerm", "postrm", "unpack":
	default:
		return fmt.Errorf("simulate: cannot fail %q: not preinst, postinst, prerm, postrm or unpack", f.Script)
	}
	if f.Version != "" && f.Version != Old && f.Version != New {
		return fmt.Errorf("simulate: cannot fail %s of version %q: want %q or %q", f.Script, f.Version, Old, New)
	}
	return nil
}

// op is one dpkg operation in progress.
type op struct {
	s        *System
	t        *Trace
	fails    []Fail
	internal error // interpreter failures, reported with the result
}

var scriptDescription = map[string]string{
	"preinst":  "pre-installation",
	"postinst": "post-installation",
	"prerm":    "pre-removal",
	"postrm":   "post-removal",
}

func (s *System) newOp(operation, name, version string, opts []Option) (*op, error) {
	o := &op{s: s, t: &Trace{Operation: operation, Package: name, Version: version}}
	for _, opt := range opts {
		opt.apply(o)
	}
	for _, f := range o.fails {
		if err := f.validate(); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// finish records the outcome in the trace and forgets a package that ended
// up not installed.
func (o *op) finish(err error) (*Trace, error) {
	name := o.t.Package
	if st := o.s.DB[name]; st != nil && st.Status == NotInstalled {
		delete(o.s.DB, name)
	}
	o.t.Status = o.s.Status(name)
	if o.internal != nil {
		err = errors.Join(err, o.internal)
	}
	if err != nil {
		o.t.Error = err.Error()
	}
	return o.t, err
}

// injected returns the failure injected into this invocation of script, if any.
func (o *op) injected(side Side, script string, args []string) (Fail, bool) {
	for _, f := range o.fails {
		if f.Script == script && (f.Version == "" || f.Version == side) &&
			(f.Action == "" || (len(args) > 0 && args[0] == f.Action)) {
			return f, true
		}
	}
	return Fail{}, false
}

// script invokes one maintainer script and reports whether it succeeded;
// a package without the script succeeds without running anything.
func (o *op) script(side Side, version string, scripts map[string]string, name string, args ...string) bool {
	step := Step{Kind: StepScript, Side: side, Version: version, Script: name, Args: args}
	src, ok := scripts[name]
	fail, injected := o.injected(side, name, args)
	switch {
	case injected && !fail.After:
		step.Injected, step.Exit = true, 1
	case !ok && !injected:
		step.Absent = true
	case ok:
		if err := o.s.runScript(&step, o.t.Package, src); err != nil {
			step.Exit = 2
			if o.internal == nil {
				o.internal = err
			}
		}
	}
	if injected && fail.After && step.Exit == 0 {
		step.Injected, step.Exit = true, 1
	}
	o.t.Steps = append(o.t.Steps, step)
	return step.Exit == 0
}

func (o *op) event(name string, paths ...string) {
	o.t.Steps = append(o.t.Steps, Step{Kind: StepDpkg, Event: name, Paths: paths})
}

// failure words the last failed script like dpkg: "new hello package
// pre-installation script subprocess returned error exit status 1".
func (o *op) failure(who string) error {
	for i := len(o.t.Steps) - 1; i >= 0; i-- {
		st := o.t.Steps[i]
		if st.Kind == StepScript && st.Exit != 0 {
			return &Error{Package: o.t.Package, Message: fmt.Sprintf("%s %s package %s script subprocess returned error exit status %d",
				who, o.t.Package, scriptDescription[st.Script], st.Exit)}
		}
	}
	return &Error{Package: o.t.Package, Message: who}
}

// fallback runs the old package's script with okAction NEW and, if it
// fails, the new package's with fallbackAction OLD NEW, as dpkg's
// maintscript_fallback does; it reports whether either succeeded.
func (o *op) fallback(name string, old *PackageState, pkg Package, okAction, fallbackAction string) bool {
	if o.script(Old, old.Version, old.Scripts, name, okAction, pkg.Version) {
		return true
	}
	_, has := pkg.Scripts[name]
	if _, injected := o.injected(New, name, []string{fallbackAction}); !has && !injected {
		o.event("no " + name + " in the new version of the package: giving up")
		return false
	}
	return o.script(New, pkg.Version, pkg.Scripts, name, fallbackAction, old.Version, pkg.Version)
}

// Install is dpkg -i: Unpack followed, if that succeeded, by Configure.
func (s *System) Install(pkg Package, opts ...Option) (*Trace, error) {
	o, err := s.newOp("install", pkg.Name, pkg.Version, opts)
	if err != nil {
		return nil, err
	}
	if err := o.unpack(pkg); err != nil {
		return o.finish(err)
	}
	return o.finish(o.configure(pkg.Name))
}

// Unpack is dpkg --unpack (Policy 6.6): a fresh install, an install over
// the config-files state, or an upgrade, downgrade or reinstall over any
// other state, with the error unwind Policy describes for each step.
func (s *System) Unpack(pkg Package, opts ...Option) (*Trace, error) {
	o, err := s.newOp("unpack", pkg.Name, pkg.Version, opts)
	if err != nil {
		return nil, err
	}
	return o.finish(o.unpack(pkg))
}

// Configure is dpkg --configure (Policy 6.7) of an unpacked or
// half-configured package: new conffiles are put in place and postinst
// runs "configure LAST-CONFIGURED-VERSION" (empty if never configured).
func (s *System) Configure(name string, opts ...Option) (*Trace, error) {
	o, err := s.newOp("configure", name, "", opts)
	if err != nil {
		return nil, err
	}
	if st := s.DB[name]; st != nil {
		o.t.Version = st.Version
	}
	return o.finish(o.configure(name))
}

// Remove is dpkg -r (Policy 6.8): prerm remove, the files go except
// conffiles, postrm remove.
func (s *System) Remove(name string, opts ...Option) (*Trace, error) {
	o, err := s.newOp("remove", name, "", opts)
	if err != nil {
		return nil, err
	}
	if st := s.DB[name]; st != nil {
		o.t.Version = st.Version
	}
	return o.finish(o.remove(name))
}

// Purge is dpkg -P (Policy 6.8): Remove if still installed, then the
// conffiles are deleted and postrm purge runs.
func (s *System) Purge(name string, opts ...Option) (*Trace, error) {
	o, err := s.newOp("purge", name, "", opts)
	if err != nil {
		return nil, err
	}
	if st := s.DB[name]; st != nil {
		o.t.Version = st.Version
	}
	return o.finish(o.purge(name))
}

func copyScripts(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (o *op) unpack(pkg Package) error {
	s := o.s
	st := s.DB[pkg.Name]
	if st == nil {
		st = &PackageState{Name: pkg.Name, Status: NotInstalled}
		s.DB[pkg.Name] = st
	}
	old := &PackageState{Version: st.Version, Scripts: st.Scripts}
	oldStatus := st.Status
	var unwind []func() bool
	fail := func(err error) error {
		for i := len(unwind) - 1; i >= 0; i-- {
			if !unwind[i]() {
				break
			}
		}
		return err
	}

	// Policy 6.6 step 1: the old prerm.
	if oldStatus == Installed || oldStatus == HalfConfigured {
		st.Status = HalfConfigured
		unwind = append(unwind, func() bool {
			if !o.script(Old, old.Version, old.Scripts, "postinst", "abort-upgrade", pkg.Version) {
				return false
			}
			st.Status = Installed
			return true
		})
		if !o.fallback("prerm", old, pkg, "upgrade", "failed-upgrade") {
			return fail(o.failure("old"))
		}
		st.Status, oldStatus = Unpacked, Unpacked
	}

	// Step 2: the new preinst.
	st.Status = HalfInstalled
	var ok bool
	switch oldStatus {
	case NotInstalled:
		unwind = append(unwind, func() bool {
			if !o.script(New, pkg.Version, pkg.Scripts, "postrm", "abort-install") {
				return false
			}
			st.Status = NotInstalled
			return true
		})
		ok = o.script(New, pkg.Version, pkg.Scripts, "preinst", "install")
	case ConfigFiles:
		unwind = append(unwind, func() bool {
			if !o.script(New, pkg.Version, pkg.Scripts, "postrm", "abort-install", old.Version, pkg.Version) {
				return false
			}
			st.Status = ConfigFiles
			return true
		})
		ok = o.script(New, pkg.Version, pkg.Scripts, "preinst", "install", old.Version, pkg.Version)
	default:
		before := oldStatus
		unwind = append(unwind, func() bool {
			if !o.script(New, pkg.Version, pkg.Scripts, "postrm", "abort-upgrade", old.Version, pkg.Version) {
				return false
			}
			st.Status = before
			return true
		})
		ok = o.script(New, pkg.Version, pkg.Scripts, "preinst", "upgrade", old.Version, pkg.Version)
	}
	if !ok {
		return fail(o.failure("new"))
	}

	// Step 3: unpack, keeping what it replaces for the unwind.
	backup := map[string]*Node{}
	unwind = append(unwind, func() bool {
		paths := sortedKeys(backup)
		for _, p := range paths {
			s.FS.put(p, backup[p])
		}
		o.event("restore the files replaced by "+pkg.Version, paths...)
		return true
	})
	var written []string
	for _, f := range pkg.Files {
		target := clean(s.rooted(f.Path))
		if f.Conffile {
			target += ".dpkg-new"
		}
		if _, saved := backup[target]; !saved {
			backup[target] = s.FS.clone(target)
		}
		if err := s.FS.WriteFile(target, f.Content, f.Mode); err != nil {
			o.event("unpack failed: " + target + ": " + errText(err))
			return fail(&Error{Package: pkg.Name, Message: fmt.Sprintf("unable to install '%s': %s", target, errText(err))})
		}
		written = append(written, target)
	}
	o.event("unpack "+pkg.Version, written...)
	if _, injected := o.injected(New, "unpack", nil); injected {
		o.event("unpack failed (injected)")
		return fail(&Error{Package: pkg.Name, Message: "error processing archive (injected failure)"})
	}

	// Step 4: the old postrm.
	if oldStatus != NotInstalled && oldStatus != ConfigFiles {
		st.Status = HalfInstalled
		before := oldStatus
		unwind = append(unwind, func() bool {
			if !o.script(Old, old.Version, old.Scripts, "preinst", "abort-upgrade", pkg.Version) {
				return false
			}
			st.Status = before
			return true
		})
		if !o.fallback("postrm", old, pkg, "upgrade", "failed-upgrade") {
			return fail(o.failure("old"))
		}
	}

	// Point of no return. Steps 5-7: old files go (conffiles stay, now
	// obsolete), the file list, conffiles and scripts become the new ones.
	shipped := map[string]bool{}
	newConffiles := map[string]Conffile{}
	for _, f := range pkg.Files {
		shipped[f.Path] = true
		if f.Conffile {
			newConffiles[f.Path] = Conffile{Hash: hash(f.Content)}
		}
	}
	var removed []string
	for _, p := range st.Files {
		if _, conf := st.Conffiles[p]; shipped[p] || conf {
			continue
		}
		if n, _ := s.FS.Lstat(s.rooted(p)); n != nil && n.Kind != KindDir {
			_ = s.FS.Remove(s.rooted(p))
			removed = append(removed, s.rooted(p))
		}
	}
	if oldStatus != NotInstalled && oldStatus != ConfigFiles {
		o.event("remove files of "+old.Version+" not in "+pkg.Version, removed...)
	}
	prior := map[string]string{}
	for p, cf := range st.Conffiles {
		prior[p] = cf.Hash
		if _, still := newConffiles[p]; !still {
			cf.Obsolete = true
			newConffiles[p] = cf
		}
	}
	files := make([]string, 0, len(pkg.Files))
	for _, f := range pkg.Files {
		files = append(files, f.Path)
	}
	for p, cf := range newConffiles {
		if cf.Obsolete {
			files = append(files, p)
		}
	}
	st.Files = files
	st.Conffiles = newConffiles
	st.priorHashes = prior
	st.Scripts = copyScripts(pkg.Scripts)
	st.Version = pkg.Version
	st.Status = Unpacked
	return nil
}

func (o *op) configure(name string) error {
	st := o.s.DB[name]
	switch {
	case st == nil || st.Status == NotInstalled || st.Status == ConfigFiles:
		return &Error{Package: name, Message: "package " + name + " is not installed and no information is available"}
	case st.Status == Installed:
		o.event("package " + name + " is already installed and configured")
		return nil
	case st.Status == HalfInstalled:
		return &Error{Package: name, Message: "package is in a very bad inconsistent state; you should reinstall it before attempting configuration"}
	}
	o.installConffiles(st)
	st.Status = HalfConfigured
	if !o.script(New, st.Version, st.Scripts, "postinst", "configure", st.ConfigVersion) {
		return o.failure("installed")
	}
	st.ConfigVersion = st.Version
	st.Status = Installed
	return nil
}

// installConffiles puts the unpacked PATH.dpkg-new conffiles in place as
// dpkg does without prompting (--force-confold for a conflict): a new file
// is installed; an unmodified one is replaced; one identical to the new
// version is kept as it is (mode included); one the admin deleted stays
// deleted; a modified one is kept and the new version left as .dpkg-dist.
func (o *op) installConffiles(st *PackageState) {
	fsys := o.s.FS
	var changed []string
	for _, p := range sortedKeys(st.Conffiles) {
		if st.Conffiles[p].Obsolete {
			continue
		}
		target := o.s.rooted(p)
		dist, err := fsys.Lstat(target + ".dpkg-new")
		if err != nil {
			continue
		}
		newHash := hash(dist.Content)
		oldHash, known := st.priorHashes[p]
		cur, cerr := fsys.Lstat(target)
		switch {
		case cerr != nil && known:
			_ = fsys.Remove(target + ".dpkg-new")
			changed = append(changed, target+" (deleted by the admin: left deleted)")
		case cerr != nil:
			_ = fsys.Rename(target+".dpkg-new", target)
			changed = append(changed, target)
		case hash(cur.Content) == newHash:
			_ = fsys.Remove(target + ".dpkg-new")
			changed = append(changed, target+" (unchanged)")
		case known && hash(cur.Content) == oldHash:
			_ = fsys.Rename(target+".dpkg-new", target)
			changed = append(changed, target)
		case known && newHash == oldHash:
			_ = fsys.Remove(target + ".dpkg-new")
			changed = append(changed, target+" (modified by the admin: kept)")
		default:
			_ = fsys.Rename(target+".dpkg-new", target+".dpkg-dist")
			changed = append(changed, target+" (modified by the admin: kept, new version as .dpkg-dist)")
		}
	}
	if len(changed) > 0 {
		o.event("install conffiles", changed...)
	}
}

func (o *op) remove(name string) error {
	s := o.s
	st := s.DB[name]
	if st == nil || st.Status == NotInstalled || st.Status == ConfigFiles {
		o.event("ignoring request to remove " + name + " which isn't installed")
		return nil
	}
	if st.Status == Installed || st.Status == HalfConfigured {
		st.Status = HalfConfigured
		if !o.script(Old, st.Version, st.Scripts, "prerm", "remove") {
			err := o.failure("installed")
			if o.script(Old, st.Version, st.Scripts, "postinst", "abort-remove") {
				st.Status = Installed
			}
			return err
		}
	}
	st.Status = HalfInstalled
	var removed []string
	for _, p := range st.Files {
		if _, conf := st.Conffiles[p]; conf {
			continue
		}
		if n, _ := s.FS.Lstat(s.rooted(p)); n != nil && n.Kind != KindDir {
			_ = s.FS.Remove(s.rooted(p))
			removed = append(removed, s.rooted(p))
		}
	}
	o.event("remove files", removed...)
	if !o.script(Old, st.Version, st.Scripts, "postrm", "remove") {
		return o.failure("installed")
	}
	postrm, hasPostrm := st.Scripts["postrm"]
	st.Scripts = map[string]string{}
	if hasPostrm {
		st.Scripts["postrm"] = postrm
	}
	st.Files = sortedKeys(st.Conffiles)
	if len(st.Conffiles) == 0 && !hasPostrm {
		st.Status = NotInstalled
		return nil
	}
	st.Status = ConfigFiles
	return nil
}

// purgeSuffixes are the conffile variants dpkg deletes along with a
// conffile on purge.
var purgeSuffixes = []string{"", ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-tmp", "~", "%"}

func (o *op) purge(name string) error {
	s := o.s
	st := s.DB[name]
	if st == nil || st.Status == NotInstalled {
		o.event("ignoring request to remove " + name + " which isn't installed")
		return nil
	}
	if st.Status != ConfigFiles {
		if err := o.remove(name); err != nil {
			return err
		}
		if st.Status == NotInstalled {
			return nil
		}
	}
	var removed []string
	for _, p := range sortedKeys(st.Conffiles) {
		for _, suffix := range purgeSuffixes {
			target := s.rooted(p) + suffix
			if n, _ := s.FS.Lstat(target); n != nil && n.Kind != KindDir {
				_ = s.FS.Remove(target)
				removed = append(removed, target)
			}
		}
	}
	o.event("remove conffiles", removed...)
	if !o.script(Old, st.Version, st.Scripts, "postrm", "purge") {
		return o.failure("installed")
	}
	st.Status = NotInstalled
	return nil
}
