package maintscript

import (
	"fmt"
	"strings"

	"github.com/dh-teardown/dh-teardown/templates"
)

// OnUpgrade is what happens to a running daemon when its package is upgraded.
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

// onUpgradePolicies lists the valid OnUpgrade values.
var onUpgradePolicies = [...]OnUpgrade{Restart, StopThenStart, None, Reload}

// ParseOnUpgrade returns the policy named s, or an error naming the valid ones.
func ParseOnUpgrade(s string) (OnUpgrade, error) {
	names := make([]string, len(onUpgradePolicies))
	for i, p := range onUpgradePolicies {
		if string(p) == s {
			return p, nil
		}
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown upgrade policy %q (want %s)", truncate(s), strings.Join(names, ", "))
}

// InitOptions ask Render for the code that debhelper's dh_installinit (compat 10 to 14) adds
// for an init script the package ships: registered with update-rc.d and started in the
// postinst, stopped in the prerm on removal, made non-executable on removal and
// deregistered on purge, restarted on upgrade as OnUpgrade says. The zero value is
// dh_installinit's default.
type InitOptions struct {
	// UpdateRcdParams are the update-rc.d arguments after the name, each split into words at
	// white space as the shell would; none (no words) means "defaults". Each word must need
	// no quoting, as debhelper inserts them unquoted.
	UpdateRcdParams []string
	// NoStart only registers the script: no start, stop or restart (--no-start).
	NoStart bool
	// OnUpgrade is the upgrade policy; "" means Restart. Ignored with NoStart.
	OnUpgrade OnUpgrade
	// ErrorHandler is the shell command run when an init script action fails, as words
	// separated by white space that need no quoting; "" means "exit 1" (--error-handler).
	ErrorHandler string
	// SkipSystemdNative passes --skip-systemd-native to invoke-rc.d, which then leaves
	// services with a native systemd unit to deb-systemd-invoke (compat 12 and later).
	SkipSystemdNative bool
	// Multiuser makes the daemon stopped only in runlevel 1, as a declaration's "Multiuser:
	// yes" does (dh_installinit's keyword multiuser): the script's LSB header is rewritten,
	// and the postinst drops the old stop links when configuring from a version older than
	// MultiuserSince ("" means the version being built). Declaring a daemon multiuser both
	// here and in the Declarations is an error.
	Multiuser      bool
	MultiuserSince string
}

// checkInit reports the problems of a shipped init script's options, and returns the data of
// its snippets.
func checkInit(s InitScript, pos at, diags *Diagnostics) templates.InitDaemon {
	o := *s.Init
	params := splitWords(o.UpdateRcdParams)
	if len(params) == 0 {
		params = []string{"defaults"}
	}
	for _, w := range params {
		if templates.Quote(w) != w {
			diags.errorf(pos, "update-rc.d parameter %q: only letters, digits and \"_./:+,@%%=-\" are allowed", truncate(w))
		}
	}
	handler := strings.Fields(o.ErrorHandler)
	if o.ErrorHandler == "" {
		handler = []string{"exit", "1"}
	}
	if len(handler) == 0 {
		diags.errorf(pos, "error handler: empty")
	}
	for _, w := range handler {
		if templates.Quote(w) != w {
			diags.errorf(pos, "error handler %q: a shell function name and words of letters, digits and \"_./:+,@%%=-\" only", truncate(o.ErrorHandler))
			break
		}
	}
	policy := o.policy()
	if _, err := ParseOnUpgrade(string(policy)); err != nil {
		diags.errorf(pos, "%v", err)
	}
	data := templates.InitDaemon{
		Name:            s.Name,
		InitScript:      "/etc/init.d/" + s.Name,
		UpdateRcdParams: params,
		ErrorHandler:    handler,
		Start:           !o.NoStart,
	}
	if o.SkipSystemdNative {
		data.InvokeOptions = []string{"--skip-systemd-native"}
	}
	if !o.NoStart {
		data.StopBeforeUpgrade = policy == StopThenStart
		switch policy {
		case Restart, Reload:
			data.UpgradeAction = string(policy)
		default:
			data.UpgradeAction = "start"
		}
	}
	return data
}

func (o InitOptions) policy() OnUpgrade {
	if o.OnUpgrade == "" {
		return Restart
	}
	return o.OnUpgrade
}

// noteUpgrade explains the upgrade policy.
func (g *generator) noteUpgrade(subject string, o InitOptions) {
	switch policy := o.policy(); {
	case o.NoStart:
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
