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
}

// RemovedInfo is the data of the "info-removed.*" snippets: an explicitly registered info
// document that the package no longer ships from version RemovedIn on.
type RemovedInfo struct {
	// File is the document's path, DirFile the info directory it is registered in.
	File, DirFile string
	RemovedIn     string
}
