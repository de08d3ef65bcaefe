package maintscript_test

import (
	"fmt"
	"os"
	"sort"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// declarations is a declaration file as a package would carry it in debian/hello.teardown.
const declarations = `Daemon: hellod
Multiuser: yes
Multiuser-Since: 1.1

Daemon: hello-legacyd
Removed-In: 2.0
Conffiles: /etc/default/hello-legacyd
`

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

// input is the model of hello 2.0: its declarations and the init scripts it ships.
func input() maintscript.Input {
	decls, diags := maintscript.ParseDeclarations("hello.teardown", []byte(declarations))
	if diags.HasErrors() {
		panic(diags.Error())
	}
	return maintscript.Input{
		Package:      "hello",
		Version:      "2.0",
		Declarations: decls,
		InitScripts:  map[string]maintscript.InitScript{"hellod": {File: "hellod.init", Content: []byte(initScript)}},
	}
}

func ExampleParseDeclarations() {
	decls, diags := maintscript.ParseDeclarations("hello.teardown", []byte(declarations))
	for _, d := range decls.Daemons {
		fmt.Printf("daemon %s: multiuser=%v since=%q removed-in=%q conffiles=%v\n", d.Name, d.Multiuser, d.MultiuserSince, d.RemovedIn, d.Conffiles)
	}
	fmt.Println("problems:", len(diags))

	_, diags = maintscript.ParseDeclarations("bad.teardown", []byte("Daemon: hellod\nMultiuser: yes\nRemoved-in: 2.0\nStop: 1\n"))
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output:
	// daemon hellod: multiuser=true since="1.1" removed-in="" conffiles=[]
	// daemon hello-legacyd: multiuser=false since="" removed-in="2.0" conffiles=[/etc/default/hello-legacyd]
	// problems: 0
	// bad.teardown:3: daemon "hellod": a removed daemon cannot be multiuser
	// bad.teardown:4: unknown field "Stop" in a Daemon stanza
}

func ExampleGenerate() {
	out, diags := maintscript.Generate(input())
	if diags.HasErrors() {
		fmt.Println(diags.Error())
		return
	}
	for _, f := range out.Fragments {
		fmt.Printf("%s: %s (%s)\n", f.Script, f.Subject, f.Snippet)
	}
	for _, n := range out.Notes {
		fmt.Printf("note: %s: %s\n", n.Subject, n.Text)
	}
	// Output:
	// postinst: daemon "hellod" (daemon-multiuser.postinst)
	// postrm: daemon "hellod" (daemon-multiuser.postrm)
	// preinst: daemon "hello-legacyd" (daemon-removed.preinst)
	// postinst: daemon "hello-legacyd" (daemon-removed.postinst)
	// postrm: daemon "hello-legacyd" (daemon-removed.postrm)
	// note: daemon "hellod": the LSB header of /etc/init.d/hellod now says Default-Stop: 1
	// note: daemon "hellod": configuring from a version older than 1.1 removes its stop links in rc0.d and rc6.d: shutdown and reboot leave it to sendsigs
}

func ExampleWholeScript() {
	out, _ := maintscript.Generate(input())
	fmt.Print(maintscript.WholeScript("postinst", "mytool/1.0", out.Fragments))
	// Output:
	// #!/bin/sh
	// set -e
	//
	// # Automatically added by mytool/1.0
	// if [ "$1" = "configure" ] && [ -n "$2" ] && [ -z "${DPKG_ROOT:-}" ] && dpkg --compare-versions "$2" lt 1.1; then
	// 	# Stopped only in runlevel 1 from this version on. update-rc.d defaults adds no link while
	// 	# any exists, so bring a registered daemon's stop links to what a fresh install makes,
	// 	# whatever the old header said (0 1 6, 0 6, nothing, 1): none in runlevels 0 and 6, one in
	// 	# runlevel 1. Start links stay as they are: a daemon the administrator disabled stays so.
	// 	_dh_registered=
	// 	_dh_rc1=
	// 	for _dh_link in /etc/rc[0-6S].d/[SK][0-9][0-9]hellod; do
	// 		if [ -L "$_dh_link" ]; then
	// 			_dh_registered=yes
	// 			case "$_dh_link" in /etc/rc1.d/*) _dh_rc1=yes ;; esac
	// 		fi
	// 	done
	// 	if [ -n "$_dh_registered" ]; then
	// 		rm -f /etc/rc0.d/K[0-9][0-9]hellod /etc/rc6.d/K[0-9][0-9]hellod
	// 		if [ -z "$_dh_rc1" ] && [ -d /etc/rc1.d ]; then
	// 			ln -s ../init.d/hellod /etc/rc1.d/K01hellod
	// 		fi
	// 	fi
	// fi
	// # End automatically added section
	// # Automatically added by mytool/1.0
	// dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd 2.0~ -- "$@"
	// dpkg-maintscript-helper rm_conffile /etc/default/hello-legacyd 2.0~ -- "$@"
	// if [ "$1" = "configure" ] && [ -n "$2" ] && [ -z "${DPKG_ROOT:-}" ] && [ ! -e /etc/init.d/hello-legacyd ] && dpkg --compare-versions "$2" lt 2.0; then
	// 	update-rc.d hello-legacyd remove >/dev/null
	// fi
	// # End automatically added section
}

func ExampleRenderScripts() {
	scripts, out, diags := maintscript.RenderScripts(input(), nil, "mytool/1.0")
	if diags.HasErrors() {
		fmt.Fprintln(os.Stderr, diags.Error())
		return
	}
	var names []string
	for name := range scripts {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Println("scripts:", names)
	fmt.Print("ship /etc/init.d/hellod as:\n", string(out.InitScripts["hellod"]))
	fmt.Print(scripts["preinst"])
	// Output:
	// scripts: [postinst postrm preinst]
	// ship /etc/init.d/hellod as:
	// #!/bin/sh
	// ### BEGIN INIT INFO
	// # Provides:          hellod
	// # Required-Start:    $remote_fs $syslog
	// # Required-Stop:     $remote_fs $syslog
	// # Default-Start:     2 3 4 5
	// # Default-Stop:      1
	// # Short-Description: hello example daemon
	// ### END INIT INFO
	// #!/bin/sh
	// set -e
	//
	// # Automatically added by mytool/1.0
	// if [ -z "${DPKG_ROOT:-}" ] && { [ "$1" = "install" ] || [ "$1" = "upgrade" ]; } && [ -n "$2" ] && [ -x /etc/init.d/hello-legacyd ] && dpkg --compare-versions "$2" lt 2.0; then
	// 	# No longer shipped: stop it while its init script is still there.
	// 	invoke-rc.d hello-legacyd stop || exit 1
	// fi
	// dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd 2.0~ -- "$@"
	// dpkg-maintscript-helper rm_conffile /etc/default/hello-legacyd 2.0~ -- "$@"
	// # End automatically added section
}

func ExampleRenderScripts_error() {
	in := input()
	in.InitScripts = nil // hellod is declared multiuser, but the package does not ship it
	scripts, out, diags := maintscript.RenderScripts(in, nil, "mytool/1.0")
	fmt.Println(scripts == nil, out == nil)
	fmt.Println(diags.Error())
	// Output:
	// true true
	// hello.teardown:2: daemon "hellod": multiuser, but the package ships no /etc/init.d/hellod
}
