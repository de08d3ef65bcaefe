package maintscript

import (
	"fmt"
	"strings"

	"github.com/dh-teardown/dh-teardown/templates"
)

// OnUpgrade is what happens to a running daemon when its package is upgraded (docs/design.md §5).
type OnUpgrade string

const (
	// Restart leaves the daemon running while the new version is unpacked and restarts it
	// in the postinst: debhelper's default from compat 10 on (dh_installinit -R).
	Restart OnUpgrade = "restart"
	// StopThenStart stops the daemon in the new version's preinst and starts it in the
	// postinst (dh_installinit --no-restart-after-upgrade).
	StopThenStart OnUpgrade = "stop-then-start"
	// None never stops the daemon on upgrade; the postinst only starts it if it is not
	// running (dh_installinit --no-stop-on-upgrade).
	None OnUpgrade = "none"
	// Reload leaves the daemon running and has the postinst run the init script's reload
	// action on upgrade.
	Reload OnUpgrade = "reload"
)

// OnUpgradePolicies lists the valid OnUpgrade values.
var OnUpgradePolicies = []OnUpgrade{Restart, StopThenStart, None, Reload}

// ParseOnUpgrade returns the policy named s, or an error naming the valid ones.
func ParseOnUpgrade(s string) (OnUpgrade, error) {
	for _, p := range OnUpgradePolicies {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(OnUpgradePolicies))
	for i, p := range OnUpgradePolicies {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown upgrade policy %q (want %s)", truncate(s), strings.Join(names, ", "))
}

// InitDaemon is an init script daemon as debhelper's dh_installinit (compat 10 to 14)
// handles it: registered with update-rc.d and started in the postinst, stopped in the prerm
// on removal, its script made non-executable on removal and deregistered on purge.
type InitDaemon struct {
	// Name is the init script's name: /etc/init.d/NAME.
	Name string
	// UpdateRcdParams are the update-rc.d arguments after the name, each split into words at
	// white space as the shell would; none (no words) means "defaults".
	UpdateRcdParams []string
	// NoStart only registers the script: no start, stop or restart (--no-start).
	NoStart bool
	// OnUpgrade is the upgrade policy; "" means Restart. Ignored with NoStart.
	OnUpgrade OnUpgrade
	// ErrorHandler is the shell command run when an init script action fails, as words
	// separated by white space; "" means "exit 1" (--error-handler).
	ErrorHandler string
	// SkipSystemdNative passes --skip-systemd-native to invoke-rc.d, which then leaves
	// services with a native systemd unit to deb-systemd-invoke (compat 12 and later).
	SkipSystemdNative bool
	// Multiuser makes the daemon stopped only in runlevel 1 (docs/declarations.md): Script's LSB header
	// is rewritten, and the postinst drops the old stop links when configuring from a
	// version older than MultiuserSince ("" means the version being built).
	Multiuser      bool
	MultiuserSince string
}

// InitInput is what GenerateInit needs: one init script daemon of one package.
type InitInput struct {
	// Package is the binary package's name, Version the version being built.
	Package, Version string
	Daemon           InitDaemon
	// Script is the init script being installed as /etc/init.d/NAME; only Multiuser needs it.
	Script *InitScript
}

// GenerateInit checks an init script daemon and renders its maintainer script fragments,
// which debhelper keeps in its service bucket (after other generated code in preinst and
// postinst, before it in prerm and postrm): preinst, postinst, then prerm (unless NoStart)
// and postrm. For a Multiuser daemon the output also holds the rewritten script, and its
// postinst fragment that removes the old stop links comes first. On any problem it returns
// every problem found and no output; problems about the script are positioned in its file.
//
// Every value reaches the shell quoted; names and versions are checked as in declaration
// files, and update-rc.d parameters and the error handler must be words that need no
// quoting, so that the code behaves exactly as debhelper's, which inserts them unquoted.
func GenerateInit(in InitInput) (*Output, Diagnostics) {
	var diags Diagnostics
	d := in.Daemon
	subject := fmt.Sprintf("daemon %q", d.Name)
	if why := checkPackageName(in.Package); why != "" {
		diags.errorf("", 0, "package %q: %s", truncate(in.Package), why)
	}
	if err := CheckInitScriptName(d.Name); err != nil {
		diags.errorf("", 0, "%v", err)
	}
	params := splitWords(d.UpdateRcdParams)
	if len(params) == 0 {
		params = []string{"defaults"}
	}
	for _, w := range params {
		if templates.Quote(w) != w {
			diags.errorf("", 0, "update-rc.d parameter %q: only letters, digits and \"_./:+,@%%=-\" are allowed", truncate(w))
		}
	}
	handler := strings.Fields(d.ErrorHandler)
	if d.ErrorHandler == "" {
		handler = []string{"exit", "1"}
	}
	if len(handler) == 0 {
		diags.errorf("", 0, "error handler: empty")
	}
	for _, w := range handler {
		if templates.Quote(w) != w {
			diags.errorf("", 0, "error handler %q: a shell function name and words of letters, digits and \"_./:+,@%%=-\" only", truncate(d.ErrorHandler))
			break
		}
	}
	policy := d.OnUpgrade
	if policy == "" {
		policy = Restart
	}
	if _, err := ParseOnUpgrade(string(policy)); err != nil {
		diags.errorf("", 0, "%s: %v", subject, err)
	}
	out := &Output{InitScripts: map[string][]byte{}}
	var multiuser *templates.MultiuserDaemon
	if d.Multiuser {
		multiuser = checkMultiuser(in, subject, out, &diags)
	}
	if diags.HasErrors() {
		diags.sort()
		return nil, diags
	}

	data := templates.InitDaemon{
		Name:            d.Name,
		InitScript:      "/etc/init.d/" + d.Name,
		UpdateRcdParams: params,
		ErrorHandler:    handler,
		Start:           !d.NoStart,
	}
	if d.SkipSystemdNative {
		data.InvokeOptions = []string{"--skip-systemd-native"}
	}
	if !d.NoStart {
		data.StopBeforeUpgrade = policy == StopThenStart
		switch policy {
		case Restart, Reload:
			data.UpgradeAction = string(policy)
		default:
			data.UpgradeAction = "start"
		}
	}
	g := generator{in: Input{Package: in.Package}, out: out}
	g.render("preinst", "init", subject, data)
	if multiuser != nil {
		g.multiuserLinks(subject, *multiuser)
	}
	g.render("postinst", "init", subject, data)
	if !d.NoStart {
		g.render("prerm", "init", subject, data)
	}
	g.render("postrm", "init", subject, data)
	if g.err != nil {
		diags.errorf("", 0, "%v", g.err)
		return nil, diags
	}
	g.noteUpgrade(subject, d, policy)
	return out, nil
}

// checkMultiuser rewrites the daemon's init script into out and returns the data of its
// postinst snippet, or records why it cannot.
func checkMultiuser(in InitInput, subject string, out *Output, diags *Diagnostics) *templates.MultiuserDaemon {
	d := in.Daemon
	since := d.MultiuserSince
	if since == "" {
		since = in.Version
	}
	built, err := ParseVersion(in.Version)
	if err != nil {
		diags.errorf("", 0, "version being built %q: %v", truncate(in.Version), err)
		return nil
	}
	sv, err := ParseVersion(since)
	switch {
	case err != nil:
		diags.errorf("", 0, "%s: multiuser since %q: %v", subject, truncate(since), err)
		return nil
	case CompareVersions(sv, built) > 0:
		diags.errorf("", 0, "%s: multiuser since %q: newer than the version being built (%s)", subject, since, in.Version)
		return nil
	}
	if in.Script == nil {
		diags.errorf("", 0, "%s: multiuser, but no init script /etc/init.d/%s is installed", subject, d.Name)
		return nil
	}
	h, err := ParseLSBHeader(in.Script.Content)
	if err != nil {
		diags.errorf(in.Script.File, 0, "%s: cannot be multiuser: %v", subject, err)
		return nil
	}
	if h.IsRcS() {
		diags.errorf(in.Script.File, h.StartLine, "%s: an rcS script (Default-Start: %s) runs once at boot and cannot be multiuser", subject, strings.Join(h.DefaultStart, " "))
		return nil
	}
	rewritten, err := MakeMultiuser(in.Script.Content)
	if err != nil {
		diags.errorf(in.Script.File, 0, "%s: cannot be multiuser: %v", subject, err)
		return nil
	}
	if string(rewritten) != string(in.Script.Content) {
		out.InitScripts[d.Name] = rewritten
		out.Notes = append(out.Notes, Note{Package: in.Package, Subject: subject, Text: fmt.Sprintf("the LSB header of /etc/init.d/%s now says Default-Stop: %s", d.Name, MultiuserStop)})
	}
	return &templates.MultiuserDaemon{Name: d.Name, InitScript: "/etc/init.d/" + d.Name, Since: since}
}

// noteUpgrade explains the upgrade policy.
func (g *generator) noteUpgrade(subject string, d InitDaemon, policy OnUpgrade) {
	switch {
	case d.NoStart:
		g.note(subject, "registered with update-rc.d only: never started or stopped by the maintainer scripts")
	case policy == Restart:
		g.note(subject, "kept running while the upgrade is unpacked, restarted by the postinst")
	case policy == StopThenStart:
		g.note(subject, "stopped by the new version's preinst before the upgrade is unpacked, started by the postinst")
	case policy == None:
		g.note(subject, "never stopped on upgrade: the postinst starts it only if it is not running")
	case policy == Reload:
		g.note(subject, "kept running while the upgrade is unpacked, reloaded by the postinst")
	}
}

// TmpfilesFragment renders the postinst code that debhelper's dh_installinit adds in compat
// 10 for a package shipping systemd-tmpfiles configuration: systemd-tmpfiles --create on
// the files, by base name, when systemd-tmpfiles is installed. debhelper keeps it with the
// other generated code, not in the service bucket.
func TmpfilesFragment(pkg string, files []string) (Fragment, error) {
	if why := checkPackageName(pkg); why != "" {
		return Fragment{}, fmt.Errorf("package %q: %s", truncate(pkg), why)
	}
	text, err := templates.Render("init.tmpfiles.postinst", templates.InitTmpfiles{Files: files})
	if err != nil {
		return Fragment{}, err
	}
	return Fragment{Package: pkg, Script: "postinst", Snippet: "init.tmpfiles.postinst", Subject: "tmpfiles.d configuration", Text: text}, nil
}

// splitWords splits each string at white space, as the shell splits an unquoted word.
func splitWords(params []string) []string {
	var words []string
	for _, p := range params {
		words = append(words, strings.Fields(p)...)
	}
	return words
}

// CheckInitScriptName returns an error when name cannot be an init script's name
// (/etc/init.d/NAME): letters, digits and "_.+-", starting with a letter or digit.
func CheckInitScriptName(name string) error {
	if why := checkName(name); why != "" {
		return fmt.Errorf("init script name %q: %s", truncate(name), why)
	}
	return nil
}
