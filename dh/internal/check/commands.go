package check

import (
	"path"
	"strings"
)

// cmdName is the command's name without its directory (/usr/sbin/invoke-rc.d → invoke-rc.d).
func cmdName(c Call) string {
	if len(c.Args) == 0 {
		return ""
	}
	return path.Base(c.Args[0])
}

// operands are a command's arguments after its name, without options ("-f", "--quiet").
func operands(args []string) []string {
	var out []string
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// stopsInit reports whether c stops the init script name: invoke-rc.d NAME stop, service
// NAME stop, /etc/init.d/NAME stop, or a systemd stop of NAME.service.
func stopsInit(c Call, name string) bool {
	ops := operands(c.Args)
	switch cmdName(c) {
	case "invoke-rc.d", "service":
		return len(ops) >= 2 && ops[0] == name && isStop(ops[1])
	case name:
		return c.Args[0] == "/etc/init.d/"+name && len(ops) >= 1 && isStop(ops[0])
	}
	return systemdStops(c, name+".service")
}

// stopsUnit reports whether c stops unit: deb-systemd-invoke or systemctl stop, or for
// NAME.service of an init script NAME, invoke-rc.d (which hands the stop to systemd).
func stopsUnit(c Call, unit, initName string) bool {
	if initName != "" && stopsInit(c, initName) {
		return true
	}
	return systemdStops(c, unit)
}

func systemdStops(c Call, unit string) bool {
	switch cmdName(c) {
	case "deb-systemd-invoke", "systemctl":
	default:
		return false
	}
	ops := operands(c.Args)
	if len(ops) < 2 || !isStop(ops[0]) {
		return false
	}
	for _, u := range ops[1:] {
		if u == unit || u+".service" == unit {
			return true
		}
	}
	return false
}

func isStop(action string) bool { return action == "stop" || action == "force-stop" }

// removesLinks reports whether c is update-rc.d [-f] NAME remove.
func removesLinks(c Call, name string) bool {
	ops := operands(c.Args)
	return cmdName(c) == "update-rc.d" && len(ops) >= 2 && ops[0] == name && ops[1] == "remove"
}

// purgesUnit reports whether c is deb-systemd-helper purge … UNIT ….
func purgesUnit(c Call, unit string) bool {
	ops := operands(c.Args)
	if cmdName(c) != "deb-systemd-helper" || len(ops) < 2 || ops[0] != "purge" {
		return false
	}
	for _, u := range ops[1:] {
		if u == unit {
			return true
		}
	}
	return false
}

// helperConffile reports whether c is dpkg-maintscript-helper rm_conffile FILE [PRIOR …] or
// mv_conffile FILE NEWFILE [PRIOR …] for the conffile p, and returns the prior version ("" when
// there is none: the helper then acts on every upgrade).
func helperConffile(c Call, p string) (prior string, ok bool) {
	a := c.Args
	if cmdName(c) != "dpkg-maintscript-helper" || len(a) < 3 || a[2] != p {
		return "", false
	}
	i := 3
	switch a[1] {
	case "rm_conffile":
	case "mv_conffile":
		i = 4
	default:
		return "", false
	}
	if i < len(a) && a[i] != "--" {
		prior = a[i]
	}
	return prior, true
}

// hasMaintscriptArgs reports whether a dpkg-maintscript-helper call passes the script's
// arguments after "--".
func hasMaintscriptArgs(c Call) bool {
	for i, a := range c.Args {
		if a == "--" {
			return i+1 < len(c.Args)
		}
	}
	return false
}

// installInfoFile returns the document an install-info call registers, or "" (for a
// --remove, or a call the check cannot read).
func installInfoFile(c Call) string {
	if cmdName(c) != "install-info" {
		return ""
	}
	for _, a := range c.Args[1:] {
		if a == "--remove" || a == "--delete" || a == "--remove-exactly" {
			return ""
		}
	}
	for _, a := range c.Args[1:] {
		if strings.HasPrefix(a, "/") {
			return path.Clean(a)
		}
	}
	return ""
}

// removesInfo reports whether c deregisters the document file with install-info.
func removesInfo(c Call, file string) bool {
	if cmdName(c) != "install-info" {
		return false
	}
	remove, named := false, false
	for _, a := range c.Args[1:] {
		switch {
		case a == "--remove" || a == "--delete" || a == "--remove-exactly":
			remove = true
		case a == file || (!strings.HasPrefix(a, "-") && !strings.Contains(a, "/") && a == infoName(file)):
			named = true
		}
	}
	return remove && named
}
