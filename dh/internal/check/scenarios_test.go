package check

// scenario is a pair of versions of one package that the tests build and check; its report
// is compared with testdata/NAME.txt and testdata/NAME.json.
type scenario struct {
	name     string
	old, new tree
	// handled is whether the check must pass (exit status 0).
	handled bool
}

const (
	serviceWanted = "[Unit]\nDescription=a daemon\n\n[Service]\nExecStart=/usr/sbin/d\n\n[Install]\nWantedBy=multi-user.target\n"
	socketWanted  = "[Unit]\nDescription=a socket\n\n[Socket]\nListenStream=/run/d.sock\n\n[Install]\nWantedBy=sockets.target\n"
	timerWanted   = "[Unit]\nDescription=a timer\n\n[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n"
	oneShotUnit   = "[Unit]\nDescription=a migration\n\n[Service]\nType=oneshot\nExecStart=/usr/sbin/migrate\n\n[Install]\nWantedBy=multi-user.target\n"
	staticService = "[Unit]\nDescription=a worker\n\n[Service]\nExecStart=/usr/sbin/worker %i\n"
	initScript    = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: d\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n. /lib/lsb/init-functions\ncase \"$1\" in\nstart) start-stop-daemon --start --exec /usr/sbin/d ;;\nstop) log_daemon_msg Stopping d; start-stop-daemon --stop --exec /usr/sbin/d; log_end_msg $? ;;\nesac\n"
	oneShotScript = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: setup\n# Default-Start: S\n# Default-Stop:\n### END INIT INFO\ncase \"$1\" in\nstart) mkdir -p /run/tool ;;\nstop) echo \"nothing to do\" ;;\nesac\n"
)

// completeConffiles is the block dh_installdeb writes from debian/PKG.maintscript into
// every maintainer script of the handwritten scenario: the same lines in preinst, postinst and
// postrm, as in a real package.
const completeConffiles = `# Automatically added by dh_installdeb/13.11.4
dpkg-maintscript-helper rm_conffile /etc/init.d/toold 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/tool-setup 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/tool/old.conf 2.0~ -- "$@"
dpkg-maintscript-helper mv_conffile /etc/tool/renamed.conf /etc/tool/new.conf 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/tool/noprior.conf -- "$@"
# End automatically added section
`

// scenarios cover each kind of disappearance handled by each means the check knows, partly
// handled, and not handled.
var scenarios = []scenario{
	{
		// What dh_teardown generates for "Daemon: demod / Removed-In: 2.0 / Conffiles:
		// /etc/default/demod" (as examples/hello 2.0 has it), and a document in
		// /usr/share/info, which dpkg's install-info trigger handles.
		name:    "generated",
		handled: true,
		old: tree{name: "demo", version: "1.0",
			files: map[string]string{
				"/etc/init.d/demod": initScript, "/etc/default/demod": "RUN=yes\n", "/usr/sbin/demod": "binary",
				"/usr/share/info/demo.info.gz": "info", "/usr/share/info/demo.info-1.gz": "info",
			},
			conffiles: []string{"/etc/default/demod", "/etc/init.d/demod"},
		},
		new: tree{name: "demo", version: "2.0",
			files: map[string]string{"/usr/bin/demo": "binary"},
			scripts: map[string]string{
				"preinst": `#!/bin/sh
set -e
# Automatically added by dh_teardown/0.1.0
if [ -z "${DPKG_ROOT:-}" ] && { [ "$1" = "install" ] || [ "$1" = "upgrade" ]; } && [ -n "$2" ] && [ -x /etc/init.d/demod ] && dpkg --compare-versions "$2" lt 2.0; then
	# No longer shipped: stop it while its init script is still there.
	invoke-rc.d demod stop || exit 1
fi
dpkg-maintscript-helper rm_conffile /etc/init.d/demod 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/default/demod 2.0~ -- "$@"
# End automatically added section
`,
				"postinst": `#!/bin/sh
set -e
# Automatically added by dh_teardown/0.1.0
dpkg-maintscript-helper rm_conffile /etc/init.d/demod 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/default/demod 2.0~ -- "$@"
if [ "$1" = "configure" ] && [ -n "$2" ] && [ -z "${DPKG_ROOT:-}" ] && [ ! -e /etc/init.d/demod ] && dpkg --compare-versions "$2" lt 2.0; then
	update-rc.d demod remove >/dev/null
fi
# End automatically added section
`,
				"postrm": `#!/bin/sh
set -e
# Automatically added by dh_teardown/0.1.0
dpkg-maintscript-helper rm_conffile /etc/init.d/demod 2.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/default/demod 2.0~ -- "$@"
if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = "abort-upgrade" ] && [ -n "$2" ] && [ -x /etc/init.d/demod ] && dpkg --compare-versions "$2" lt 2.0; then
	invoke-rc.d demod start || exit 1
fi
# End automatically added section
`,
			},
		},
	},
	{
		// Every other means: hand-written stops (invoke-rc.d for an init script and its
		// unit, deb-systemd-invoke for a socket, the old prerm for a timer and a legacy init
		// script), deb-systemd-helper purge in a for loop and in a function, update-rc.d
		// remove, dpkg-maintscript-helper rm_conffile (with and without prior version) and
		// mv_conffile from dh_installdeb, remove-on-upgrade, install-info --remove for a
		// document outside /usr/share/info; a unit that moved to /usr/lib/systemd/system and
		// a static template, which need nothing; a one-shot boot script, which has nothing
		// to stop.
		name:    "handwritten",
		handled: true,
		old: tree{name: "tool", version: "1.0",
			files: map[string]string{
				"/etc/init.d/toold": initScript, "/etc/init.d/tool-legacy": initScript, "/etc/init.d/tool-setup": oneShotScript,
				"/lib/systemd/system/toold.service":        serviceWanted,
				"/lib/systemd/system/tool-helper.socket":   socketWanted,
				"/lib/systemd/system/tool-clean.timer":     timerWanted,
				"/lib/systemd/system/tool-migrate.service": oneShotUnit,
				"/lib/systemd/system/tool-moved.service":   serviceWanted,
				"/lib/systemd/system/tool-worker@.service": staticService,
				"/lib/systemd/system/tool-alias.service":   "->toold.service",
				"/etc/tool/old.conf":                       "a", "/etc/tool/renamed.conf": "b", "/etc/tool/gone-flag.conf": "c", "/etc/tool/noprior.conf": "d",
				"/usr/share/info/tool.info.gz":         "info",
				"/usr/share/doc/tool/tool-manual.info": "info",
			},
			conffiles: []string{"/etc/init.d/toold", "/etc/init.d/tool-setup", "/etc/tool/old.conf", "/etc/tool/renamed.conf", "/etc/tool/gone-flag.conf", "/etc/tool/noprior.conf"},
			scripts: map[string]string{
				"postinst": `#!/bin/sh
set -e
if [ "$1" = configure ]; then
	install-info --quiet --section Development Development /usr/share/doc/tool/tool-manual.info
	deb-systemd-helper unmask tool-clean.timer >/dev/null || true
	deb-systemd-helper enable tool-clean.timer >/dev/null || true
fi
`,
				"prerm": `#!/bin/sh
set -e
# Automatically added by dh_installinit/11.1
if [ -x "/etc/init.d/tool-legacy" ]; then
	invoke-rc.d tool-legacy stop || exit 1
fi
# End automatically added section
if [ -d /run/systemd/system ]; then
	deb-systemd-invoke stop tool-clean.timer >/dev/null
fi
if [ "$1" = remove ]; then
	install-info --quiet --remove /usr/share/doc/tool/tool-manual.info
fi
`,
			},
		},
		new: tree{name: "tool", version: "2.0",
			files: map[string]string{
				"/usr/lib/systemd/system/tool-moved.service": serviceWanted,
				"/etc/tool/new.conf":                         "b",
				"/etc/tool/old.conf.note":                    "the old file is gone",
			},
			conffiles: []string{"/etc/tool/new.conf", "remove-on-upgrade /etc/tool/gone-flag.conf"},
			scripts: map[string]string{
				"preinst": `#!/bin/sh
set -e
case "$1" in
install|upgrade)
	if [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0~; then
		if [ -x /etc/init.d/toold ]; then
			invoke-rc.d toold stop
		fi
		if [ -d /run/systemd/system ]; then
			deb-systemd-invoke stop tool-helper.socket >/dev/null || true
		fi
		if [ -e /usr/share/doc/tool/tool-manual.info ]; then
			install-info --quiet --remove /usr/share/doc/tool/tool-manual.info || true
		fi
	fi
	;;
esac
` + completeConffiles,
				"postinst": `#!/bin/sh
set -e
purge_unit() {
	deb-systemd-helper purge "$1" >/dev/null || true
}
if [ "$1" = configure ] && dpkg --compare-versions "$2" lt-nl 2.0~; then
	for unit in toold.service tool-helper.socket tool-migrate.service; do
		deb-systemd-helper purge "$unit" >/dev/null || true
	done
	purge_unit tool-clean.timer
	update-rc.d toold remove >/dev/null
	update-rc.d tool-legacy remove >/dev/null
	update-rc.d tool-setup remove >/dev/null
fi
` + completeConffiles,
				"postrm": `#!/bin/sh
set -e
` + completeConffiles,
			},
		},
	},
	{
		// Partial handling: conffiles removed but the daemon never stopped; stops with no
		// guard (they fail a fresh install); purge without stop; rm_conffile missing from
		// postrm; guards and prior versions that leave out the old version; a
		// dpkg-maintscript-helper call without -- "$@"; an init script dropped while its
		// unit stays (systemd manages the daemon, sysvinit loses it).
		name: "partial",
		old: tree{name: "part", version: "1.0",
			files: map[string]string{
				"/etc/init.d/partd": initScript, "/etc/init.d/part-unguarded": initScript, "/etc/init.d/part-late": initScript,
				"/etc/init.d/part-unit": initScript, "/lib/systemd/system/part-unit.service": serviceWanted,
				"/lib/systemd/system/part-hv.service":  serviceWanted,
				"/lib/systemd/system/part-sock.socket": socketWanted,
				"/etc/part/half.conf":                  "a",
				"/etc/part/noargs.conf":                "b",
			},
			conffiles: []string{"/etc/init.d/partd", "/etc/init.d/part-unguarded", "/etc/init.d/part-late", "/etc/init.d/part-unit", "/etc/part/half.conf", "/etc/part/noargs.conf"},
		},
		new: tree{name: "part", version: "1.5",
			files: map[string]string{"/usr/bin/part": "binary", "/usr/lib/systemd/system/part-unit.service": serviceWanted},
			scripts: map[string]string{
				"preinst": `#!/bin/sh
set -e
invoke-rc.d part-unguarded stop
deb-systemd-invoke stop part-hv.service
if [ "$1" = upgrade ] && dpkg --compare-versions "$2" lt 1.0; then
	invoke-rc.d part-late stop
fi
dpkg-maintscript-helper rm_conffile /etc/init.d/partd 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unit 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unguarded 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-late 1.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/part/half.conf 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/part/noargs.conf 1.5~
`,
				"postinst": `#!/bin/bash
set -e
if [[ "$1" == configure ]]; then
	deb-systemd-helper purge part-hv.service part-sock.socket >/dev/null
	update-rc.d partd remove >/dev/null
	update-rc.d part-unit remove >/dev/null
	update-rc.d part-unguarded remove >/dev/null
	if dpkg --compare-versions "$2" lt-nl 1.0; then
		update-rc.d part-late remove >/dev/null
	fi
fi
dpkg-maintscript-helper rm_conffile /etc/init.d/partd 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unit 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unguarded 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-late 1.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/part/half.conf 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/part/noargs.conf 1.5~
`,
				"postrm": `#!/bin/sh
set -e
dpkg-maintscript-helper rm_conffile /etc/init.d/partd 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unit 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-unguarded 1.5~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/init.d/part-late 1.0~ -- "$@"
dpkg-maintscript-helper rm_conffile /etc/part/noargs.conf 1.5~
`,
			},
		},
	},
	{
		// Nothing handled (the new version has no maintainer scripts at all), for each kind;
		// a binNMU as the new version (Removed-In drops +b1); a unit without init script; a
		// static template of the daemon, which its stanza need not list.
		name: "unhandled",
		old: tree{name: "miss", version: "1.0-1",
			files: map[string]string{
				"/etc/init.d/missd": initScript, "/etc/default/missd": "RUN=yes\n",
				"/lib/systemd/system/missd.service":        serviceWanted,
				"/lib/systemd/system/missd.socket":         socketWanted,
				"/lib/systemd/system/missd@.service":       staticService,
				"/lib/systemd/system/miss-clean.timer":     timerWanted,
				"/usr/lib/systemd/system/miss-web.service": serviceWanted,
				"/etc/miss/miss.conf":                      "x",
				"/usr/share/info/miss.info":                "info",
				"/opt/miss/doc/miss-guide.info.gz":         "info",
			},
			conffiles: []string{"/etc/default/missd", "/etc/init.d/missd", "/etc/miss/miss.conf"},
			scripts: map[string]string{
				"postinst": "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n\tinstall-info --quiet /opt/miss/doc/miss-guide.info.gz\nfi\n",
			},
		},
		new: tree{name: "miss", version: "2.0-1+b1",
			files: map[string]string{"/usr/bin/miss": "binary"},
		},
	},
	{
		name:    "nothing",
		handled: true,
		old: tree{name: "same", version: "1.0",
			files:     map[string]string{"/etc/init.d/samed": initScript, "/lib/systemd/system/samed.service": serviceWanted},
			conffiles: []string{"/etc/init.d/samed"},
		},
		new: tree{name: "same", version: "1.1",
			files:     map[string]string{"/etc/init.d/samed": initScript, "/usr/lib/systemd/system/samed.service": serviceWanted},
			conffiles: []string{"/etc/init.d/samed"},
		},
	},
}
