package check

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"pault.ag/go/debian/version"
)

// Kinds of things a package can stop shipping.
const (
	KindInitScript = "init-script"
	KindUnit       = "unit"
	KindConffile   = "conffile"
	KindInfo       = "info"
)

var kindOrder = map[string]int{KindInitScript: 0, KindUnit: 1, KindConffile: 2, KindInfo: 3}

// Report is the result of checking one or more binary packages.
type Report struct {
	Packages []PackageReport `json:"packages"`
}

// Handled reports whether every finding of every package is handled.
func (r *Report) Handled() bool {
	for _, p := range r.Packages {
		for _, f := range p.Findings {
			if !f.Handled {
				return false
			}
		}
	}
	return true
}

// PackageReport is what one binary package's new version stops shipping.
type PackageReport struct {
	Package    string    `json:"package"`
	OldVersion string    `json:"old_version"`
	NewVersion string    `json:"new_version"`
	Findings   []Finding `json:"findings"`
}

// Finding is one thing the old version ships and the new one does not.
type Finding struct {
	// Kind is init-script, unit, conffile or info.
	Kind string `json:"kind"`
	// Path is where the old version ships it; Name is the init script, unit, conffile or
	// document name.
	Path string `json:"path"`
	Name string `json:"name"`
	// Handled is true when the new version's scripts (or dpkg) do everything needed. When it
	// is false and HandledBy is not empty, the handling is partial.
	Handled bool `json:"handled"`
	// HandledBy says what does each part of the job ("stop: preinst:14 `invoke-rc.d x
	// stop` (dh_teardown)"); Missing what is not done, and why a command that looks like
	// it does not count.
	HandledBy []string `json:"handled_by"`
	Missing   []string `json:"missing"`
	// Fix is what to add to the new version's source, with a comment line naming the file
	// (debian/PKG.teardown or debian/PKG.maintscript); empty when handled.
	Fix string `json:"fix"`
}

// Partial reports whether the finding is handled in part only.
func (f Finding) Partial() bool { return !f.Handled && len(f.HandledBy) > 0 }

// Compare checks what the old version of a binary package ships and the new one does not,
// and whether the new version's maintainer scripts handle each. It fails on inputs that
// cannot be compared: different package names, or a new version that is not newer.
func Compare(old, new *Package) (PackageReport, error) {
	if old.Name != new.Name {
		return PackageReport{}, fmt.Errorf("%s is package %s, %s is package %s: compare two versions of the same package", old.Origin, old.Name, new.Origin, new.Name)
	}
	if c := version.Compare(new.Version, old.Version); c <= 0 {
		rel := "older than"
		if c == 0 {
			rel = "the same as"
		}
		return PackageReport{}, fmt.Errorf("the new version (%s, %s) is %s the old one (%s, %s): it must be newer", new.Version, new.Origin, rel, old.Version, old.Origin)
	}
	c := newComparison(old, new)
	return PackageReport{
		Package:    new.Name,
		OldVersion: old.Version.String(),
		NewVersion: new.Version.String(),
		Findings:   c.findings(),
	}, nil
}

// comparison holds the two versions and what the check recognised in their scripts.
type comparison struct {
	old, new   *Package
	oldV, newV string
	// removedIn is the version to declare things removed in: the new version without a
	// binNMU suffix (the source version dh_teardown builds).
	removedIn string
	// The scripts that matter on an upgrade from old to new.
	preinst, postinst, postrm, oldPrerm, oldPostinst Analysis
}

var binNMURE = regexp.MustCompile(`\+b[0-9]+$`)

func newComparison(old, new *Package) *comparison {
	c := &comparison{old: old, new: new, oldV: old.Version.String(), newV: new.Version.String()}
	c.removedIn = binNMURE.ReplaceAllString(c.newV, "")
	c.preinst = c.analyze(new, "preinst", "upgrade", c.oldV, c.newV)
	c.postinst = c.analyze(new, "postinst", "configure", c.oldV)
	c.postrm = c.analyze(new, "postrm", "abort-upgrade", c.oldV, c.newV)
	c.oldPrerm = c.analyze(old, "prerm", "upgrade", c.newV)
	c.oldPostinst = c.analyze(old, "postinst", "configure", "")
	return c
}

func (c *comparison) analyze(p *Package, script string, args ...string) Analysis {
	data, ok := p.Scripts[script]
	if !ok {
		return Analysis{Script: script, Invocation: args}
	}
	return Analyze(script, p.Name, data, args)
}

// group is a daemon that disappeared: its init script and units, and the conffiles a
// Daemon stanza for it would list.
type group struct {
	name      string
	units     []string
	conffiles []string
}

func (c *comparison) findings() []Finding {
	out := []Finding{}
	groups := map[string]*group{}
	groupOf := func(name string) *group {
		if groups[name] == nil {
			groups[name] = &group{name: name}
		}
		return groups[name]
	}
	type pending struct {
		f     Finding
		group string
	}
	var list []pending

	// Init scripts.
	initNames := map[string]bool{}
	for _, p := range c.old.paths() {
		if path.Dir(p) != "/etc/init.d" || c.old.Files[p].Symlink || skipInitd[path.Base(p)] {
			continue
		}
		if _, still := c.new.Files[p]; still {
			continue
		}
		name := path.Base(p)
		initNames[name] = true
		groupOf(name)
		list = append(list, pending{c.initScript(p, name), name})
	}
	// Units.
	newUnits := map[string]bool{}
	for p, f := range c.new.Files {
		if isUnitPath(p) && !f.Symlink {
			newUnits[path.Base(p)] = true
		}
	}
	for _, p := range c.old.paths() {
		if !isUnitPath(p) || c.old.Files[p].Symlink || newUnits[path.Base(p)] {
			continue
		}
		unit := path.Base(p)
		g := groupOf(unitDaemon(unit))
		f, needs := c.unit(p, unit, initNames)
		if needs && unit != g.name+".service" {
			g.units = append(g.units, unit)
		}
		list = append(list, pending{f, g.name})
	}
	// Conffiles (an init script's own conffile is part of its finding).
	for _, cf := range c.old.Conffiles {
		if cf.RemoveOnUpgrade || initNames[strings.TrimPrefix(cf.Path, "/etc/init.d/")] && path.Dir(cf.Path) == "/etc/init.d" {
			continue
		}
		if n, ok := c.new.conffile(cf.Path); ok && !n.RemoveOnUpgrade {
			continue
		}
		gname := ""
		if path.Dir(cf.Path) == "/etc/default" && groups[path.Base(cf.Path)] != nil {
			gname = path.Base(cf.Path)
			groups[gname].conffiles = append(groups[gname].conffiles, cf.Path)
		}
		list = append(list, pending{c.conffile(cf.Path, gname), gname})
	}
	// Info documents.
	list = append(list, func() []pending {
		var ps []pending
		for _, f := range c.info() {
			ps = append(ps, pending{f, ""})
		}
		return ps
	}()...)

	for _, p := range list {
		f := p.f
		f.Handled = len(f.Missing) == 0
		if f.Handled {
			f.Fix = ""
		} else if p.group != "" {
			f.Fix = c.daemonStanza(groups[p.group])
		}
		if f.HandledBy == nil {
			f.HandledBy = []string{}
		}
		if f.Missing == nil {
			f.Missing = []string{}
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// skipInitd are files of /etc/init.d that are not init scripts.
var skipInitd = map[string]bool{"README": true, "skeleton": true, ".legacy-bootordering": true}

// unitSuffixes are the unit types the check knows; stopSuffixes those a package's preinst
// must stop when it drops them.
var (
	unitSuffixes = []string{".service", ".socket", ".timer", ".path", ".target", ".mount", ".automount", ".swap", ".slice"}
	stopSuffixes = []string{".service", ".socket", ".timer", ".path"}
)

func isUnitPath(p string) bool {
	return keepContent(p) && path.Dir(p) != "/etc/init.d" && hasSuffix(path.Base(p), unitSuffixes)
}

func hasSuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// unitDaemon is the daemon a unit belongs to: its name without type suffix and "@".
func unitDaemon(unit string) string {
	return strings.TrimSuffix(strings.TrimSuffix(unit, path.Ext(unit)), "@")
}

// outcome is what the check found for one part of the job (stopping a daemon, removing a
// conffile, ...).
type outcome struct {
	by      []string
	missing []string
}

func (f *Finding) add(label string, o outcome) {
	for _, b := range o.by {
		f.HandledBy = append(f.HandledBy, "["+label+"] "+b)
	}
	for _, m := range o.missing {
		f.Missing = append(f.Missing, "["+label+"] "+m)
	}
}

// initScript checks an init script the new version no longer ships.
func (c *comparison) initScript(p, name string) Finding {
	f := Finding{Kind: KindInitScript, Path: p, Name: name}
	if !stopNeeded(name, c.old.Files[p].Content) {
		f.add("stop", outcome{by: []string{"nothing to stop: the script starts no daemon (its stop action runs no command, or it has no Default-Start)"}})
	} else {
		consequence := "the daemon keeps running from deleted files"
		if c.shipsUnit(name + ".service") {
			consequence = fmt.Sprintf("on sysvinit the daemon keeps running from deleted files; on systemd %s.service, which %s still ships, manages it", name, c.newV)
		}
		f.add("stop", c.stop(fmt.Sprintf("invoke-rc.d %s stop", name), consequence, func(call Call) bool { return stopsInit(call, name) }))
	}
	if _, ok := c.old.conffile(p); ok {
		f.add("conffile", c.removeConffile(p))
	} else {
		f.add("conffile", outcome{by: []string{"not a conffile of " + c.oldV + ": dpkg removes it with the old version's other files"}})
	}
	f.add("rc links", c.first([]Analysis{c.preinst, c.postinst}, fmt.Sprintf("`update-rc.d %s remove` in postinst (the /etc/rc?.d links stay behind, dangling)", name),
		func(call Call) bool { return removesLinks(call, name) }, false))
	return f
}

// unit checks a systemd unit the new version no longer ships in either unit directory; needs
// is false when nothing has to be done about it (a Daemon stanza need not list it).
func (c *comparison) unit(p, unit string, initNames map[string]bool) (f Finding, needs bool) {
	f = Finding{Kind: KindUnit, Path: p, Name: unit}
	initName := ""
	if strings.HasSuffix(unit, ".service") && initNames[strings.TrimSuffix(unit, ".service")] {
		initName = strings.TrimSuffix(unit, ".service")
	}
	template := strings.Contains(unit, "@.")
	install := hasInstall(c.old.Files[p].Content) || c.enabledByOld(unit)
	switch {
	case !hasSuffix(unit, stopSuffixes) || template:
	case oneShot(c.old.Files[p].Content):
		needs = install
		f.add("stop", outcome{by: []string{"nothing to stop: a oneshot service without RemainAfterExit is not active once it has run"}})
	default:
		needs = true
		f.add("stop", c.stop(fmt.Sprintf("deb-systemd-invoke stop %s", unit), "it stays active after its unit file is gone", func(call Call) bool { return stopsUnit(call, unit, initName) }))
	}
	if install {
		needs = true
		f.add("enablement", c.first([]Analysis{c.preinst, c.postinst}, fmt.Sprintf("`deb-systemd-helper purge %s` in postinst (its enablement symlinks and deb-systemd-helper's state stay behind)", unit),
			func(call Call) bool { return purgesUnit(call, unit) }, false))
	}
	if len(f.HandledBy) == 0 && len(f.Missing) == 0 {
		f.HandledBy = append(f.HandledBy, "nothing to do: a "+map[bool]string{true: "template", false: "unit"}[template]+" without an [Install] section is neither started nor enabled by itself")
	}
	return f, needs
}

// conffile checks a conffile the new version no longer lists.
func (c *comparison) conffile(p, group string) Finding {
	name := path.Base(p)
	if group != "" {
		name = group
	}
	f := Finding{Kind: KindConffile, Path: p, Name: name}
	if _, still := c.new.Files[p]; still {
		f.HandledBy = []string{"still shipped by " + c.newV + " as a plain file (no longer a conffile): dpkg keeps the file"}
		return f
	}
	f.add("conffile", c.removeConffile(p))
	if len(f.Missing) > 0 && group == "" {
		f.Fix = c.maintscriptLine(p)
	}
	return f
}

// stop looks for what stops a daemon or unit before the new version is unpacked: a guarded
// command in the new preinst, or the old prerm on upgrade.
func (c *comparison) stop(want, consequence string, match func(Call) bool) outcome {
	var o outcome
	var found []Call
	var why []string
	for _, call := range c.preinst.Calls {
		if !match(call) {
			continue
		}
		switch {
		case call.Reach == no:
			why = append(why, call.describe()+" does not run on an upgrade from "+c.oldV)
		case !call.Guarded:
			why = append(why, call.describe()+" is not guarded: it fails a fresh install, where there is nothing to stop")
		default:
			found = append(found, call)
		}
	}
	o.by = describeCalls(found)
	found = nil
	for _, call := range c.oldPrerm.Calls {
		if match(call) && call.Reach != no {
			found = append(found, call)
		}
	}
	for _, d := range describeCalls(found) {
		o.by = append(o.by, c.oldV+"'s "+d+" on upgrade")
	}
	if len(o.by) == 0 {
		msg := fmt.Sprintf("no guarded `%s` in preinst for an upgrade from %s (%s)", want, c.oldV, consequence)
		o.missing = append([]string{msg}, why...)
		o.missing = append(o.missing, parseProblems(c.preinst)...)
	}
	return o
}

// describeCalls describes calls for a report, the same command in several places once:
// "preinst:12, postinst:30 `dpkg-maintscript-helper rm_conffile …` (dh_installdeb)".
func describeCalls(calls []Call) []string {
	var keys []string
	locs := map[string][]string{}
	for _, c := range calls {
		origin := c.Origin
		if origin == "" {
			origin = "hand-written"
		}
		k := fmt.Sprintf("`%s` (%s)", c.Text, origin)
		if locs[k] == nil {
			keys = append(keys, k)
		}
		locs[k] = append(locs[k], fmt.Sprintf("%s:%d", c.Script, c.Line))
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.Join(locs[k], ", ") + " " + k
	}
	return out
}

// first looks for calls matching in the scripts; guarded says whether they must be guarded.
func (c *comparison) first(in []Analysis, want string, match func(Call) bool, guarded bool) outcome {
	var o outcome
	var found []Call
	var why, problems []string
	for _, a := range in {
		for _, call := range a.Calls {
			if !match(call) {
				continue
			}
			if call.Reach == no {
				why = append(why, call.describe()+" does not run on an upgrade from "+c.oldV)
				continue
			}
			found = append(found, call)
		}
		problems = append(problems, parseProblems(a)...)
	}
	o.by = describeCalls(found)
	if len(o.by) == 0 {
		o.missing = append(append([]string{"no " + want}, why...), problems...)
	}
	return o
}

func parseProblems(a Analysis) []string {
	if a.Err == nil {
		return nil
	}
	return []string{fmt.Sprintf("%s does not parse, nothing in it was recognised: %v", a.Script, a.Err)}
}

// removeConffile looks for what removes an obsolete conffile: the remove-on-upgrade flag,
// or dpkg-maintscript-helper rm_conffile/mv_conffile in preinst, postinst and postrm with a
// prior version that covers the old version.
func (c *comparison) removeConffile(p string) outcome {
	if cf, ok := c.new.conffile(p); ok && cf.RemoveOnUpgrade {
		return outcome{by: []string{"`remove-on-upgrade` in " + c.newV + "'s conffiles, with its caveats: it needs dpkg >= 1.20.6 (Pre-Depends), acts on every upgrade with no version guard, saves a modified file as .dpkg-old, follows a symlink to its target (#994919), and debhelper stopped generating it for these reasons"}}
	}
	var o outcome
	var all []Call
	var lacking, why []string
	for _, a := range []Analysis{c.preinst, c.postinst, c.postrm} {
		var found []Call
		for _, call := range a.Calls {
			prior, ok := helperConffile(call, p)
			if !ok {
				continue
			}
			switch {
			case call.Reach == no:
				why = append(why, call.describe()+" does not run on an upgrade from "+c.oldV)
			case !hasMaintscriptArgs(call):
				why = append(why, call.describe()+" lacks `-- \"$@\"`: dpkg-maintscript-helper does not know the invocation")
			case prior != "" && !covers(prior, c.oldV):
				why = append(why, fmt.Sprintf("%s: its prior version %s does not cover %s (it acts on upgrades from versions <= %s)", call.describe(), prior, c.oldV, prior))
			default:
				found = append(found, call)
			}
		}
		if len(found) == 0 {
			lacking = append(lacking, a.Script)
			why = append(why, parseProblems(a)...)
		}
		all = append(all, found...)
	}
	o.by = describeCalls(all)
	if len(lacking) == 0 {
		return o
	}
	roles := map[string]string{
		"preinst":  "preinst moves it aside before the upgrade",
		"postinst": "postinst removes it when the upgrade is configured",
		"postrm":   "postrm puts it back if the upgrade fails and cleans up on purge",
	}
	var parts []string
	for _, s := range lacking {
		parts = append(parts, roles[s])
	}
	what := "the obsolete conffile stays behind"
	if len(lacking) < 3 {
		what = strings.Join(parts, "; ")
	}
	o.missing = append([]string{fmt.Sprintf("no `dpkg-maintscript-helper rm_conffile %s PRIOR -- \"$@\"` covering %s in %s (%s)", p, c.oldV, strings.Join(lacking, ", "), what)}, why...)
	return o
}

// covers reports whether rm_conffile's prior version covers an upgrade from old
// (dpkg-maintscript-helper acts when old <= prior).
func covers(prior, old string) bool {
	ok, valid := dpkgCompare(old, "le-nl", prior)
	return ok && valid
}

// info finds the info documents that disappeared: those under /usr/share/info (grouped by
// document, parts and compression aside), and documents elsewhere that the old version's
// postinst registered with install-info.
func (c *comparison) info() []Finding {
	docs := func(p *Package) map[string]string {
		out := map[string]string{}
		for _, f := range p.paths() {
			if path.Dir(f) != "/usr/share/info" {
				continue
			}
			m := infoRE.FindStringSubmatch(path.Base(f))
			if m == nil {
				continue
			}
			if cur, ok := out[m[1]]; !ok || (m[2] == "" && infoRE.FindStringSubmatch(path.Base(cur))[2] != "") {
				out[m[1]] = f
			}
		}
		return out
	}
	var out []Finding
	oldDocs, newDocs := docs(c.old), docs(c.new)
	for name, p := range oldDocs {
		if _, ok := newDocs[name]; ok {
			continue
		}
		out = append(out, Finding{Kind: KindInfo, Path: p, Name: name,
			HandledBy: []string{"dpkg's install-info trigger: update-info-dir rebuilds /usr/share/info/dir from the documents there, without this one"}})
	}
	seen := map[string]bool{}
	for _, call := range c.oldPostinst.Calls {
		file := installInfoFile(call)
		if file == "" || strings.HasPrefix(file, "/usr/share/info/") || seen[file] {
			continue
		}
		seen[file] = true
		if _, shipped := c.old.Files[file]; !shipped {
			continue
		}
		if _, still := c.new.Files[file]; still {
			continue
		}
		name := infoName(file)
		f := Finding{Kind: KindInfo, Path: file, Name: name}
		f.add("deregister", c.stop(fmt.Sprintf("install-info --remove %s", file), "its entry stays in the info directory, pointing at a deleted file", func(call Call) bool { return removesInfo(call, file) }))
		if len(f.Missing) > 0 {
			f.Fix = c.infoStanza(name, file)
		}
		out = append(out, f)
	}
	return out
}

var infoRE = regexp.MustCompile(`^(.+)\.info(-[0-9]+)?(\.(gz|xz|bz2|lzma|zst))?$`)

// infoName is a document's name from its file name.
func infoName(file string) string {
	if m := infoRE.FindStringSubmatch(path.Base(file)); m != nil {
		return m[1]
	}
	return strings.TrimSuffix(path.Base(file), path.Ext(file))
}

// enabledByOld reports whether the old version's postinst enables the unit with
// deb-systemd-helper (so it has enablement state to purge).
func (c *comparison) enabledByOld(unit string) bool {
	for _, call := range c.oldPostinst.Calls {
		if cmdName(call) == "deb-systemd-helper" {
			for _, a := range operands(call.Args)[1:] {
				if a == unit {
					return true
				}
			}
		}
	}
	return false
}

// quietCommands are what a stop action may run without stopping anything.
var quietCommands = map[string]bool{".": true, "source": true, "echo": true, "printf": true, "true": true, ":": true,
	"set": true, "umask": true, "log_daemon_msg": true, "log_end_msg": true, "log_action_msg": true,
	"log_action_begin_msg": true, "log_action_end_msg": true, "log_success_msg": true, "log_failure_msg": true,
	"log_warning_msg": true, "log_begin_msg": true}

// stopNeeded reports whether an init script may leave something running to stop: it has
// runlevels to start in, and its stop action runs a command other than messages (scripts run
// by /lib/init/init-d-script, or that do not parse, are taken to).
func stopNeeded(name string, script []byte) bool {
	if first, _, _ := strings.Cut(string(script), "\n"); len(script) == 0 || strings.Contains(first, "init-d-script") {
		return true
	}
	if start, ok := lsbField(script, "Default-Start"); ok && start == "" {
		return false // never started: it only acts at shutdown
	}
	a := Analyze("/etc/init.d/"+name, "", script, []string{"stop"})
	if a.Err != nil {
		return true
	}
	for _, call := range a.Calls {
		if call.Reach != no && !quietCommands[cmdName(call)] {
			return true
		}
	}
	return false
}

// shipsUnit reports whether the new version ships the unit in either unit directory.
func (c *comparison) shipsUnit(unit string) bool {
	for _, d := range unitDirs {
		if f, ok := c.new.Files[d+"/"+unit]; ok && !f.Symlink {
			return true
		}
	}
	return false
}

// oneShot reports whether a service unit is Type=oneshot without RemainAfterExit=yes.
func oneShot(unit []byte) bool {
	vals := unitValues(unit, "Service")
	return vals["Type"] == "oneshot" && !map[string]bool{"yes": true, "true": true, "1": true, "on": true}[vals["RemainAfterExit"]]
}

// unitValues returns the last value of each key of a unit file's section.
func unitValues(unit []byte, section string) map[string]string {
	out := map[string]string{}
	in := false
	for _, l := range strings.Split(string(unit), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "["):
			in = l == "["+section+"]"
		case in:
			if k, v, ok := strings.Cut(l, "="); ok {
				out[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// lsbField returns the value of a field of an init script's LSB header.
func lsbField(script []byte, field string) (string, bool) {
	in := false
	for _, l := range strings.Split(string(script), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "### BEGIN INIT INFO"):
			in = true
		case strings.HasPrefix(l, "### END INIT INFO"):
			return "", false
		case in && strings.HasPrefix(l, "#"):
			if k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(l, "#")), ":"); ok && strings.EqualFold(k, field) {
				return strings.TrimSpace(v), true
			}
		}
	}
	return "", false
}

// hasInstall reports whether a unit file has an [Install] section with something in it.
func hasInstall(unit []byte) bool {
	in := false
	for _, l := range strings.Split(string(unit), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "["):
			in = l == "[Install]"
		case in && l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, ";"):
			return true
		}
	}
	return false
}

// Debs checks the .deb newDeb against the .deb oldDeb, reading both at once.
func Debs(oldDeb, newDeb string) (*Report, error) {
	var old, new *Package
	var oldErr, newErr error
	done := make(chan struct{})
	go func() {
		old, oldErr = ReadDeb(oldDeb)
		close(done)
	}()
	new, newErr = ReadDeb(newDeb)
	<-done
	return report(old, new, oldErr, newErr)
}

// Staged checks the package a build staged in dir/debian/PKG against the .deb oldDeb; pkg
// is the package's name, by default that of oldDeb.
func Staged(oldDeb, dir, pkg string) (*Report, error) {
	if pkg != "" && !packageNameRE.MatchString(pkg) {
		return nil, fmt.Errorf("-p %q: not a valid binary package name", pkg)
	}
	old, err := ReadDeb(oldDeb)
	if err != nil {
		return nil, err
	}
	if pkg == "" {
		pkg = old.Name
	} else if pkg != old.Name {
		return nil, fmt.Errorf("%s is package %s, not %s: compare two versions of the same package", oldDeb, old.Name, pkg)
	}
	new, err := ReadStaged(dir, pkg)
	return report(old, new, nil, err)
}

func report(old, new *Package, oldErr, newErr error) (*Report, error) {
	if err := errors.Join(oldErr, newErr); err != nil {
		return nil, err
	}
	pr, err := Compare(old, new)
	if err != nil {
		return nil, err
	}
	return &Report{Packages: []PackageReport{pr}}, nil
}
