package dpkgroot

import (
	"embed"
	"strings"
	"text/template"
)

//go:embed scripts/daemon.tmpl scripts/initscript.tmpl
var daemonFS embed.FS

// daemonTemplates are the test daemon and its init script, named by file.
var daemonTemplates = template.Must(template.New("").Option("missingkey=error").
	ParseFS(daemonFS, "scripts/daemon.tmpl", "scripts/initscript.tmpl"))

// DaemonFiles returns the files of a real test daemon called name, for
// DebSpec.Files: /usr/sbin/NAME, a shell script that stays alive and logs
// "start PID" and, on SIGHUP, "reload PID" lines to /run/NAME.log; and
// /etc/init.d/NAME, its LSB init script (start, stop, restart, try-restart,
// reload, force-reload, status) using start-stop-daemon with the pid file
// /run/NAME.pid. Its start returns once the daemon has logged its start (or
// fails after two seconds), so a test may check the daemon right after
// dpkg or invoke-rc.d returns. The script's header says Default-Start 2 3 4 5 and
// Default-Stop 0 1 6, or only 1 when multiuser. List /etc/init.d/NAME in
// DebSpec.Conffiles, as dh_installinit would.
//
// name must be a valid init script name; at most 15 characters keep Pids
// exact.
func DaemonFiles(name string, multiuser bool) map[string]File {
	stop := "0 1 6"
	if multiuser {
		stop = "1"
	}
	return map[string]File{
		"/usr/sbin/" + name:   {Content: render("daemon.tmpl", name, "", ""), Mode: 0o755},
		"/etc/init.d/" + name: {Content: InitScript(name, "2 3 4 5", stop), Mode: 0o755},
	}
}

// InitScript returns the test daemon's init script for name with the given
// Default-Start and Default-Stop runlevels (space-separated; either may be
// empty).
func InitScript(name, defaultStart, defaultStop string) string {
	return render("initscript.tmpl", name, defaultStart, defaultStop)
}

// render executes one of daemonTemplates.
func render(tmpl, name, defaultStart, defaultStop string) string {
	var b strings.Builder
	data := map[string]string{"Name": name, "DefaultStart": defaultStart, "DefaultStop": defaultStop}
	if err := daemonTemplates.ExecuteTemplate(&b, tmpl, data); err != nil {
		panic("dpkgroot: " + err.Error()) // the templates are fixed and complete
	}
	return b.String()
}
