package templates

// MultiuserDaemon is the data of the "daemon-multiuser.*" snippets: a daemon whose init script
// is stopped only in runlevel 1.
type MultiuserDaemon struct {
	// Name is the init script's name, InitScript its path (/etc/init.d/NAME).
	Name, InitScript string
	// Since is the first version that declared the daemon multiuser; configuring from an
	// older version drops the stop links the old header made in runlevels 0 and 6.
	Since string
}

// RemovedDaemon is the data of the "daemon-removed.*" snippets: a daemon that the package no
// longer ships from version RemovedIn on.
type RemovedDaemon struct {
	Name, InitScript string
	// RemovedIn is the first version without the daemon.
	RemovedIn string
	// Conffiles lists the obsolete conffiles to remove with dpkg-maintscript-helper
	// rm_conffile, the init script first; it may be empty when debian/PKG.maintscript already
	// removes them.
	Conffiles []string
	// PriorVersion is the rm_conffile PRIOR-VERSION argument, RemovedIn followed by "~".
	PriorVersion string
	// Service is the unit NAME.service, whose deb-systemd-helper state tells whether the
	// administrator disabled the daemon.
	Service string
	// Units are the old version's systemd units, NAME.service included, in the order the
	// preinst stops them: sockets, timers and paths before the units they activate.
	Units []Unit
	// StateDir is the directory (under /run) where the preinst records what it stopped, one
	// empty file per unit and InitRecord for the init script's daemon; the postinst and the
	// postrm start again what is recorded there, and only that, and remove it.
	StateDir, InitRecord string
	// ReplacedBy is the daemon the package ships in this one's place, nil if none.
	ReplacedBy *Replacement
}

// Unit is a systemd unit of a removed daemon.
type Unit struct {
	// Name is the unit's name, Record the file recording that the preinst stopped it.
	Name, Record string
	// Files are the places systemd loads the unit's file from (/etc/systemd/system,
	// /run/systemd/system, /lib and /usr/lib/systemd/system); a unit whose file is in none of
	// them is gone from the system, one whose file is in one of them belongs to someone else.
	Files []string
}

// Replacement is the daemon that replaces a removed one and inherits its enabled or disabled
// state: its init script (/etc/init.d/NAME) and its systemd unit (NAME.service), as far as the
// package ships them.
type Replacement struct {
	Name, InitScript string
	// Unit is NAME.service (its Record is unused).
	Unit Unit
	// OldMask is the mask of the replaced daemon's unit, /etc/systemd/system/OLD.service (a
	// link to /dev/null), and OldMaskRecord where deb-systemd-helper records that it made that
	// mask itself (as it does when the package is removed); a mask it did not make is the
	// administrator's, which counts as disabled.
	OldMask, OldMaskRecord string
}

// RemovedInfo is the data of the "info-removed.*" snippets: an explicitly registered info
// document that the package no longer ships from version RemovedIn on.
type RemovedInfo struct {
	// File is the document's path, DirFile the info directory it is registered in.
	File, DirFile string
	RemovedIn     string
}
