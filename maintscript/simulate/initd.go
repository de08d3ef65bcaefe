package simulate

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// initScript runs the simulated behaviour of /etc/init.d/NAME ACTION: it
// does not interpret the script's text, it models a well-behaved LSB script
// around a daemon (start and stop are idempotent, like start-stop-daemon
// --oknodo). System.InitFailures makes an action fail with status 1.
func (s *System) initScript(c *call, name string, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(c.stderr, "Usage: /etc/init.d/%s {start|stop|status|restart|force-reload}\n", name)
		return 3
	}
	action := args[0]
	if s.InitFailures[name+" "+action] {
		c.effect("/etc/init.d/%s %s failed", name, action)
		return 1
	}
	running := s.Running[name]
	switch action {
	case "start":
		if running {
			c.effect("/etc/init.d/%s start: %s already running", name, name)
			return 0
		}
		s.Running[name] = true
		c.effect("/etc/init.d/%s start: started %s", name, name)
	case "stop":
		if !running {
			c.effect("/etc/init.d/%s stop: %s was not running", name, name)
			return 0
		}
		delete(s.Running, name)
		c.effect("/etc/init.d/%s stop: stopped %s", name, name)
	case "restart", "force-reload":
		s.Running[name] = true
		if running {
			c.effect("/etc/init.d/%s %s: restarted %s", name, action, name)
		} else {
			c.effect("/etc/init.d/%s %s: started %s", name, action, name)
		}
	case "try-restart":
		if running {
			c.effect("/etc/init.d/%s try-restart: restarted %s", name, name)
		}
	case "reload":
		if !running {
			c.effect("/etc/init.d/%s reload: %s is not running", name, name)
			return 7
		}
		c.effect("/etc/init.d/%s reload: reloaded %s", name, name)
	case "status":
		if !running {
			return 3
		}
	default:
		fmt.Fprintf(c.stderr, "Usage: /etc/init.d/%s {start|stop|status|restart|force-reload}\n", name)
		return 3
	}
	return 0
}

// invokeRcdTool models invoke-rc.d (init-system-helpers 1.65.2) on a
// sysvinit system without policy-rc.d: start, restart and try-restart run
// only with an executable S link in the current runlevel (or rcS.d), every
// rc link of the script in that runlevel must be a live symlink (else exit
// 102), and an action that is not allowed is a successful no-op.
func invokeRcdTool(c *call) int {
	var quiet, force, retry, disclose, query, skipNative bool
	perr := func(format string, a ...any) {
		if !quiet {
			c.errorf(format, a...)
		}
	}
	if len(c.args) == 0 {
		perr("syntax error: missing required parameter, --help assumed")
		return 103
	}
	var positional []string
	i := 0
	for ; i < len(c.args) && len(positional) < 2; i++ {
		switch a := c.args[i]; a {
		case "--help":
			fmt.Fprintln(c.stdout, "invoke-rc.d, Debian/SysVinit (/etc/rc?.d) initscript subsystem.")
			return 0
		case "--quiet":
			quiet = true
		case "--force":
			force, retry = true, true
		case "--try-anyway":
			retry = true
		case "--disclose-deny":
			disclose = true
		case "--query":
			query, disclose = true, true
		case "--skip-systemd-native":
			skipNative = true
		case "--no-fallback":
		default:
			if strings.HasPrefix(a, "--") {
				perr("syntax error: unknown option \"%s\"", a)
				return 103
			}
			if strings.TrimSpace(a) == "" {
				perr("syntax error: invalid empty parameter")
				return 103
			}
			if strings.ContainsAny(a, " \t\n") {
				perr("syntax error: embedded blanks are not allowed in \"%s\"", a)
				return 103
			}
			positional = append(positional, a)
		}
	}
	if len(positional) < 2 {
		perr("syntax error: missing required parameter")
		return 103
	}
	name, action, extra := positional[0], positional[1], c.args[i:]
	if c.s.SystemdRunning() && !query {
		return invokeRcdSystemd(c, name, action, skipNative)
	}
	fsys := c.s.FS
	script := "/etc/init.d/" + name
	if n, err := fsys.Stat(script); err != nil || n.Kind != KindFile {
		perr("unknown initscript, %s not found.", script)
	}
	rl := c.s.Runlevel
	if rl == "0" || rl == "6" {
		force, retry, quiet = true, true, false
		perr("WARNING: 'invoke-rc.d %s %s' called during shutdown sequence.", name, action)
	}
	testexec := func(paths []string) bool {
		for _, p := range paths {
			if n, err := fsys.Stat(p); err == nil && (n.Kind == KindDir || n.Mode&0o111 != 0) {
				return true
			}
		}
		return false
	}
	slink := fsys.Glob("/etc/rc" + rl + ".d/S[0-9][0-9]" + name)
	klink := fsys.Glob("/etc/rc" + rl + ".d/K[0-9][0-9]" + name)
	sslink := fsys.Glob("/etc/rcS.d/S[0-9][0-9]" + name)
	bad := false
	for _, l := range append(append(append([]string{}, slink...), klink...), sslink...) {
		if n, _ := fsys.Lstat(l); n == nil || n.Kind != KindSymlink {
			perr("not a symlink: %s", l)
			bad = true
		}
		if n, err := fsys.Stat(l); err != nil || n.Kind != KindFile {
			perr("dangling symlink: %s", l)
			bad = true
		}
	}
	if bad && !retry {
		c.effect("%s %s not run: broken rc%s.d link", script, action, rl)
		return 102
	}
	rc := 0
	switch action {
	case "start", "restart", "try-restart":
		switch {
		case testexec(slink):
			rc = 104
		case testexec(klink):
			rc = 101
		case testexec(sslink):
			rc = 104
		default:
			rc = 101
		}
	}
	if testexec([]string{script}) {
		if rc == 0 && query {
			rc = 105
		}
		if !fsys.Exists("/sbin/init") {
			if force {
				perr("WARNING: No init system and policy-rc.d missing, but force specified so proceeding.")
			} else {
				perr("WARNING: No init system and policy-rc.d missing! Defaulting to block.")
				rc = 101
			}
		}
		if rc == 0 {
			rc = 104
		}
		if rc != 101 && rc != 104 && !query {
			perr("policy-rc.d returned error status %d", rc)
			if !retry {
				return rc
			}
			rc = 102
		}
	} else {
		rc = 101
	}
	if query {
		return rc
	}
	if force || rc == 104 {
		if !testexec([]string{script}) {
			return 102
		}
		code := c.s.initScript(c, name, append([]string{action}, extra...))
		if code == 0 {
			return 0
		}
		perr("initscript %s, action \"%s\" failed.", name, action)
		return code
	}
	if rc == 101 && !disclose {
		c.effect("%s %s not run: %s", script, action, notRunReason(testexec([]string{script}), rl))
		if action == "status" {
			perr("emulating initscript action \"status\", returning \"unknown\"")
			return 4
		}
		return 0
	}
	perr("initscript action \"%s\" not executed.", action)
	return rc
}

func notRunReason(executable bool, rl string) string {
	if !executable {
		return "no executable init script"
	}
	return "no start link in rc" + rl + ".d"
}

// updateRcdTool models update-rc.d (init-system-helpers 1.65.2) without
// insserv, OpenRC or a running systemd: links come only from the script's
// LSB header; "defaults" does nothing when any link exists; "remove" deletes
// every link whether or not the script is still there.
func updateRcdTool(c *call) int {
	usage := func(msg string) int {
		if msg != "" {
			fmt.Fprintf(c.stderr, "update-rc.d: error: %s\n", msg)
		}
		fmt.Fprint(c.stderr, "usage: update-rc.d [-f] <basename> remove\n"+
			"       update-rc.d [-f] <basename> defaults\n"+
			"       update-rc.d [-f] <basename> defaults-disabled\n"+
			"       update-rc.d <basename> disable|enable [S|2|3|4|5]\n")
		return 1
	}
	args := c.args
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		args = args[1:]
		switch {
		case a == "-f":
		case strings.HasPrefix(a, "-h") || strings.HasSuffix(a, "--help"):
			return usage("")
		default:
			return usage("unknown option")
		}
	}
	if len(args) < 2 {
		return usage("not enough arguments")
	}
	name, action, rest := args[0], args[1], args[2:]
	root := c.getenv("DPKG_ROOT")
	fsys := c.s.FS
	links := func() []string { return fsys.Glob(root + "/etc/rc?.d/[SK][0-9][0-9]" + name) }
	switch action {
	case "remove":
		for _, l := range links() {
			_ = fsys.Remove(l)
			c.effect("removed %s", l)
		}
		systemdReload(c, root)
		return 0
	case "defaults", "start", "stop", "defaults-disabled":
		if action == "start" || action == "stop" {
			start, stop, err := lsbRunlevels(fsys, "/etc/init.d/"+name)
			if err != nil {
				return updateRcdError(c, "unable to read /etc/init.d/"+name)
			}
			if len(start)+len(stop) > 0 {
				fmt.Fprintln(c.stderr, "update-rc.d: warning: start and stop actions are no longer supported; falling back to defaults")
			}
		}
		if len(links()) > 0 {
			c.effect("links for %s exist: left alone", name)
			systemdReload(c, root)
			return 0
		}
		start, stop, err := lsbRunlevels(fsys, root+"/etc/init.d/"+name)
		if err != nil {
			return updateRcdError(c, "unable to read "+root+"/etc/init.d/"+name)
		}
		prefix := "S"
		if action == "defaults-disabled" {
			prefix = "K"
		}
		makeLink := func(lvl, kind string) {
			dir := root + "/etc/rc" + lvl + ".d"
			_ = fsys.MkdirAll(dir)
			l := dir + "/" + kind + "01" + name
			if fsys.Symlink("../init.d/"+name, l) == nil {
				c.effect("created %s", l)
			}
		}
		for _, lvl := range start {
			makeLink(lvl, prefix)
		}
		for _, lvl := range stop {
			makeLink(lvl, "K")
		}
		systemdReload(c, root)
		return 0
	case "enable", "disable":
		return sysvToggle(c, action, name, rest)
	}
	return usage("")
}

func updateRcdError(c *call, msg string) int {
	fmt.Fprintf(c.stderr, "update-rc.d: error: %s\n", msg)
	return 1
}

// sysvToggle is update-rc.d enable|disable: rename S links to K or back in
// the given runlevels (default: Default-Start), only S, 2, 3, 4, 5.
func sysvToggle(c *call, action, name string, levels []string) int {
	root := c.getenv("DPKG_ROOT")
	fsys := c.s.FS
	header := ""
	for _, f := range []string{"/etc/insserv/overrides/" + name, "/etc/init.d/" + name, "/usr/share/insserv/overrides/" + name} {
		if content, err := fsys.ReadFile(f); err == nil && content != "" {
			header = f
			break
		}
	}
	if header == "" {
		return updateRcdError(c, "cannot find a LSB script for "+name)
	}
	if len(levels) == 0 {
		start, _, err := lsbRunlevels(fsys, header)
		if err != nil {
			return updateRcdError(c, "unable to read "+header)
		}
		if len(start) == 0 {
			return updateRcdError(c, name+" Default-Start contains no runlevels, aborting.")
		}
		levels = start
	}
	var symlinks []string
	for _, lvl := range levels {
		if !regexp.MustCompile(`^[S2345]$`).MatchString(lvl) {
			fmt.Fprintf(c.stderr, "update-rc.d: warning: %s action will have no effect on runlevel %s\n", action, lvl)
			continue
		}
		symlinks = append(symlinks, fsys.Glob(root+"/etc/rc"+lvl+".d/[SK][0-9][0-9]"+name)...)
	}
	if len(symlinks) == 0 {
		return updateRcdError(c, "no runlevel symlinks to modify, aborting!")
	}
	from, to := "S", "K"
	if action == "enable" {
		from, to = "K", "S"
	}
	for _, l := range symlinks {
		base := path.Base(l)
		if !strings.HasPrefix(base, from) {
			continue
		}
		nl := path.Join(path.Dir(l), to+base[1:])
		if err := fsys.Rename(l, nl); err != nil {
			return updateRcdError(c, errText(err))
		}
		c.effect("renamed %s to %s", l, nl)
	}
	return 0
}

// lsbRunlevels reads Default-Start and Default-Stop from the LSB header of
// the script at p, as update-rc.d's parse_def_start_stop does (which
// maintscript.ParseLSBHeader follows); no header gives no runlevels.
func lsbRunlevels(fsys *FS, p string) (start, stop []string, err error) {
	content, err := fsys.ReadFile(p)
	if err != nil {
		return nil, nil, err
	}
	h, err := maintscript.ParseLSBHeader([]byte(content))
	if err != nil {
		return nil, nil, nil
	}
	return h.DefaultStart, h.DefaultStop, nil
}

// systemdReload is update-rc.d's systemd step after remove and defaults:
// daemon-reload when systemd runs and DPKG_ROOT is empty.
func systemdReload(c *call, root string) {
	if root == "" && c.s.SystemdRunning() {
		c.effect("systemctl daemon-reload: systemd reloaded its unit files")
	}
}
