package audit

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// unitDirs are the directories systemd loads system units from, in the
// order it looks (systemd.unit(5)): the first NAME.service found is the
// unit, and a link to /dev/null there is a mask.
var unitDirs = []string{
	"/etc/systemd/system",
	"/run/systemd/system",
	"/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",
}

// SystemdShadow says why a systemd machine never runs an init script's
// stop action: systemd-sysv-generator makes a unit for /etc/init.d/NAME
// only when no unit NAME.service exists, so a native unit (or an alias)
// of that name takes the script's place, and a masked name is not run at
// all.
type SystemdShadow struct {
	// Unit is the unit file found first, a path inside the root.
	Unit string `json:"unit"`
	// Masked is set when Unit is a link to /dev/null.
	Masked bool `json:"masked"`
}

// systemdShadow returns what shadows etc/init.d/name on a systemd
// machine, or nil when systemd would run the script itself (through the
// generator's unit, which calls "NAME stop" at shutdown).
func systemdShadow(root, name string) *SystemdShadow {
	unit := name + ".service"
	for _, dir := range unitDirs {
		p := path.Join(dir, unit)
		full := filepath.Join(root, filepath.FromSlash(p))
		st, err := os.Lstat(full)
		if err != nil {
			continue
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(full)
			if err == nil && target == "/dev/null" {
				return &SystemdShadow{Unit: p, Masked: true}
			}
		}
		return &SystemdShadow{Unit: p}
	}
	return nil
}
