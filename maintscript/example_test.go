package maintscript_test

import (
	"fmt"
	"os"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// initScript is the init script hello ships as /etc/init.d/hellod.
const initScript = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          hellod
# Required-Start:    $remote_fs $syslog
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: hello example daemon
### END INIT INFO
`

// A daemon declared multiuser: its init script's LSB header is rewritten to Default-Stop: 1,
// and the postinst drops the stop links the old header made in runlevels 0 and 6.
func ExampleRender_multiuser() {
	res, diags := maintscript.Render(maintscript.Package{
		Name:    "hello",
		Version: "2.0",
		Declarations: &maintscript.Declarations{Daemons: []maintscript.Daemon{
			{Name: "hellod", Multiuser: true, MultiuserSince: "1.1"},
		}},
		InitScripts: []maintscript.InitScript{{Name: "hellod", Content: []byte(initScript)}},
	}, "mytool/1.0")
	if diags.HasErrors() {
		diags.Fprint(os.Stderr, "")
		return
	}
	for _, f := range res.Fragments {
		fmt.Printf("%s: %s (%s)\n", f.Script, f.Subject, f.Snippet)
	}
	for _, n := range res.Notes {
		fmt.Printf("note: %s\n", n.Text)
	}
	hellod, _ := res.InitScript("hellod")
	fmt.Printf("ship /etc/init.d/hellod (rewritten: %v):\n%s", hellod.Rewritten, hellod.Content)
	// Output:
	// postinst: daemon "hellod" (daemon-multiuser.postinst)
	// postrm: daemon "hellod" (daemon-multiuser.postrm)
	// note: the LSB header of /etc/init.d/hellod now says Default-Stop: 1
	// note: configuring from a version older than 1.1 removes its stop links in rc0.d and rc6.d (shutdown and reboot leave it to sendsigs) and adds the rc1.d one a fresh install has; a downgrade to such a version lets that version's update-rc.d remake its links from its own header. This is about sysvinit: systemd stops the daemon's unit at shutdown whatever the header says
	// ship /etc/init.d/hellod (rewritten: true):
	// #!/bin/sh
	// ### BEGIN INIT INFO
	// # Provides:          hellod
	// # Required-Start:    $remote_fs $syslog
	// # Required-Stop:     $remote_fs $syslog
	// # Default-Start:     2 3 4 5
	// # Default-Stop:      1
	// # Short-Description: hello example daemon
	// ### END INIT INFO
}

// A daemon the package no longer ships from version 2.0 on, with another conffile of its
// own: the new preinst stops it before the upgrade removes its files, and the conffiles are
// removed as dpkg-maintscript-helper rm_conffile does it.
func ExampleRender_removedDaemon() {
	res, diags := maintscript.Render(maintscript.Package{
		Name:    "hello",
		Version: "2.0",
		Declarations: &maintscript.Declarations{Daemons: []maintscript.Daemon{
			{Name: "hello-legacyd", RemovedIn: "2.0", Conffiles: []string{"/etc/default/hello-legacyd"}},
		}},
	}, "mytool/1.0")
	if diags.HasErrors() {
		diags.Fprint(os.Stderr, "")
		return
	}
	fmt.Print(res.Scripts.Preinst)
	// Output:
	// #!/bin/sh
	// set -e
	//
	// # Automatically added by mytool/1.0
	// if [ -z "${DPKG_ROOT:-}" ] && { [ "$1" = "install" ] || [ "$1" = "upgrade" ]; } && [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0; then
	// 	# No longer shipped: stop it while its init script and units are still there, and record
	// 	# what was running, for the postrm to start again if the upgrade fails.
	// 	mkdir -p /run/dh-teardown/hello_hello-legacyd
	// 	if [ -d /run/systemd/system ]; then
	// 		if systemctl --quiet is-active hello-legacyd.service; then
	// 			: >/run/dh-teardown/hello_hello-legacyd/hello-legacyd.service
	// 			deb-systemd-invoke stop hello-legacyd.service >/dev/null || exit 1
	// 		fi
	// 	elif [ -x /etc/init.d/hello-legacyd ]; then
	// 		_teardown_status=0
	// 		invoke-rc.d --quiet hello-legacyd status >/dev/null 2>&1 || _teardown_status=$?
	// 		# LSB status: 0 running, 4 unknown (counted as running); anything else is not running.
	// 		if [ "$_teardown_status" = 0 ] || [ "$_teardown_status" = 4 ]; then
	// 			: >/run/dh-teardown/hello_hello-legacyd/init
	// 		fi
	// 		invoke-rc.d hello-legacyd stop || exit 1
	// 	fi
	// fi
	// dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd 2.0~ -- "$@"
	// dpkg-maintscript-helper rm_conffile /etc/default/hello-legacyd 2.0~ -- "$@"
	// # End automatically added section
}

// A packaging tool without debhelper (nfpm, an image builder) renders the whole scripts of a
// package that ships one daemon, with the code debhelper's dh_installinit would add for it,
// and ships the init script Render returns.
func ExampleRender_wholeScripts() {
	res, diags := maintscript.Render(maintscript.Package{
		Name:    "hello",
		Version: "2.0",
		InitScripts: []maintscript.InitScript{{
			Name:    "hellod",
			Content: []byte(initScript),
			Init:    &maintscript.InitOptions{OnUpgrade: maintscript.Restart, SkipSystemdNative: true},
		}},
	}, "mytool/1.0")
	if diags.HasErrors() {
		diags.Fprint(os.Stderr, "")
		return
	}
	for _, s := range maintscript.AllScripts() {
		fmt.Printf("%s: has code: %v\n", s, res.Scripts.Get(s) != "")
	}
	fmt.Print(res.Scripts.Prerm)
	for _, n := range res.Notes {
		fmt.Printf("note: %s: %s\n", n.Subject, n.Text)
	}
	// Output:
	// preinst: has code: true
	// postinst: has code: true
	// prerm: has code: true
	// postrm: has code: true
	// #!/bin/sh
	// set -e
	//
	// # Automatically added by mytool/1.0
	// if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -x /etc/init.d/hellod ]; then
	// 	invoke-rc.d --skip-systemd-native hellod stop || exit 1
	// fi
	// # End automatically added section
	// note: daemon "hellod": kept running while the upgrade is unpacked, restarted by the postinst
}

// Problems come as diagnostics, all at once, each with its position: for values built in Go,
// what they are about; for a declaration file, its line (see ParseDeclarations).
func ExampleRender_diagnostics() {
	_, diags := maintscript.Render(maintscript.Package{
		Name:    "hello",
		Version: "2.0",
		Declarations: &maintscript.Declarations{Daemons: []maintscript.Daemon{
			{Name: "bard; touch x", Multiuser: true},
			{Name: "hello-legacyd", RemovedIn: "2.1", Conffiles: []string{"relative"}},
		}},
	}, "mytool/1.0")
	diags.Fprint(os.Stdout, "mytool: ")
	// Output:
	// mytool: daemon "bard; touch x": invalid init script name: only letters, digits and "_.+-" are allowed, starting with a letter or digit
	// mytool: daemon "hello-legacyd": conffile "relative": not absolute
}

func ExampleParseDeclarations() {
	file := `Daemon: hellod
Multiuser: yes
Multiuser-Since: 1.1

Daemon: hello-legacyd
Removed-In: 2.0
Conffiles: /etc/default/hello-legacyd
Units: hello-legacyd.socket
`
	decls, diags := maintscript.ParseDeclarations("hello.teardown", []byte(file))
	for _, d := range decls.Daemons {
		fmt.Printf("daemon %s: multiuser=%v since=%q removed-in=%q conffiles=%v units=%v\n", d.Name, d.Multiuser, d.MultiuserSince, d.RemovedIn, d.Conffiles, d.Units)
	}
	fmt.Println("problems:", len(diags))

	_, diags = maintscript.ParseDeclarations("bad.teardown", []byte("Daemon: hellod\nMultiuser: yes\nRemoved-in: 2.0\nStop: 1\n"))
	diags.Fprint(os.Stdout, "")
	// Output:
	// daemon hellod: multiuser=true since="1.1" removed-in="" conffiles=[] units=[]
	// daemon hello-legacyd: multiuser=false since="" removed-in="2.0" conffiles=[/etc/default/hello-legacyd] units=[hello-legacyd.socket]
	// problems: 0
	// bad.teardown:3: daemon "hellod": a removed daemon cannot be multiuser
	// bad.teardown:4: unknown field "Stop" in a Daemon stanza
}
