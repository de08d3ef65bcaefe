//go:build integration

package booted

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// state is what one query of a machine found about the packages and daemons under test.
type state struct {
	status    map[string]string     // package -> dpkg state ("not-installed" when unknown)
	version   map[string]string     // package -> version, "" when none
	conffiles map[string][]conffile // package -> conffiles dpkg records
	missing   map[string][]string   // package -> its conffiles not on disk
	pids      map[string][]int      // daemon -> processes whose name is the daemon's
	pidfile   map[string]int        // daemon -> pid in /run/NAME.pid, 0 when none
	links     map[string][]string   // daemon -> "rc2.d/S" (kinds, numbers dropped)
	header    map[string]*maintscript.LSBHeader
	active    map[string]string // daemon -> systemctl is-active NAME.service (systemd only)
	failed    []string          // systemctl --failed (systemd only)
	systemd   bool              // systemd runs
}

// conffile is one entry of a package's Conffiles.
type conffile struct {
	path     string
	obsolete bool
}

// ships reports whether pkg's installed version ships /etc/init.d/name as a live conffile.
func (s *state) ships(pkg, name string) bool {
	for _, c := range s.conffiles[pkg] {
		if c.path == "/etc/init.d/"+name && !c.obsolete {
			return true
		}
	}
	return false
}

// stateScript is the script that reports the state of pkgs and daemons, one fact a line:
// "status PKG STATE VERSION", "conffile PKG PATH HASH [obsolete]", "missing PKG PATH", "pids NAME PID…",
// "pidfile NAME PID", "link NAME rcN.d/XNNNAME", "header NAME LINE", "active NAME STATE",
// "failed UNIT…", "systemd". Names are the suite's own, plain words.
func stateScript(pkgs, daemons []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "for p in %s; do\n", strings.Join(pkgs, " "))
	b.WriteString(`	st=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$p" 2>/dev/null) || st=not-installed
	echo "status $p $st"
	dpkg-query -W -f='${Conffiles}\n' "$p" 2>/dev/null | while read -r f h o; do
		[ -n "$f" ] || continue
		echo "conffile $p $f $h $o"
		[ -e "$f" ] || echo "missing $p $f"
	done
done
`)
	fmt.Fprintf(&b, "for d in %s; do\n", strings.Join(daemons, " "))
	b.WriteString(`	echo "pids $d $(pgrep -x "$d" | tr '\n' ' ')"
	[ -r "/run/$d.pid" ] && echo "pidfile $d $(cat "/run/$d.pid")"
	for l in /etc/rc?.d/[SK][0-9][0-9]"$d"; do
		[ -L "$l" ] && echo "link $d ${l#/etc/}"
	done
	[ -f "/etc/init.d/$d" ] && sed -n "/^### BEGIN INIT INFO/,/^### END INIT INFO/s|^|header $d |p" "/etc/init.d/$d"
	[ -d /run/systemd/system ] && echo "active $d $(systemctl is-active "$d.service")"
done
if [ -d /run/systemd/system ]; then
	echo systemd
	systemctl --failed --plain --no-legend | sed 's/^/failed /'
fi
exit 0
`)
	return b.String()
}

// linkName matches a link's "rcN.d/X" and its sequence number.
var linkName = regexp.MustCompile(`^(rc.\.d/[SK])[0-9][0-9]`)

// parseState reads stateScript's output.
func parseState(out string, pkgs, daemons []string) (*state, error) {
	s := &state{
		status: map[string]string{}, version: map[string]string{}, conffiles: map[string][]conffile{}, missing: map[string][]string{},
		pids: map[string][]int{}, pidfile: map[string]int{}, links: map[string][]string{},
		header: map[string]*maintscript.LSBHeader{}, active: map[string]string{},
	}
	headers := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "status" && len(f) >= 3:
			s.status[f[1]] = f[2]
			if len(f) >= 4 {
				s.version[f[1]] = f[3]
			}
		case f[0] == "conffile" && len(f) >= 4:
			s.conffiles[f[1]] = append(s.conffiles[f[1]], conffile{path: f[2], obsolete: len(f) > 4 && f[4] == "obsolete"})
		case f[0] == "missing" && len(f) == 3:
			s.missing[f[1]] = append(s.missing[f[1]], f[2])
		case f[0] == "pids" && len(f) >= 2:
			for _, p := range f[2:] {
				n, err := strconv.Atoi(p)
				if err != nil {
					return nil, fmt.Errorf("state: %q", line)
				}
				s.pids[f[1]] = append(s.pids[f[1]], n)
			}
		case f[0] == "pidfile" && len(f) == 3:
			s.pidfile[f[1]], _ = strconv.Atoi(f[2])
		case f[0] == "link" && len(f) == 3:
			if m := linkName.FindStringSubmatch(f[2]); m != nil {
				s.links[f[1]] = append(s.links[f[1]], m[1])
			}
		case f[0] == "header" && len(f) >= 2:
			_, rest, _ := strings.Cut(line, "header "+f[1]+" ")
			headers[f[1]] += rest + "\n"
		case f[0] == "active" && len(f) == 3:
			s.active[f[1]] = f[2]
		case f[0] == "systemd":
			s.systemd = true
		case f[0] == "failed" && len(f) >= 2:
			s.failed = append(s.failed, f[1])
		default:
			return nil, fmt.Errorf("state: unexpected line %q", line)
		}
	}
	for _, d := range daemons {
		slices.Sort(s.links[d])
		if headers[d] == "" {
			continue
		}
		h, err := maintscript.ParseLSBHeader([]byte(headers[d]))
		if err != nil {
			return nil, fmt.Errorf("state: /etc/init.d/%s: %w", d, err)
		}
		s.header[d] = h
	}
	for _, p := range pkgs {
		if s.status[p] == "" {
			return nil, fmt.Errorf("state: no status for %s in:\n%s", p, out)
		}
	}
	return s, nil
}

// headerLinks returns the rc links the LSB header asks for ("rc2.d/S"), with S links turned
// into K links in runlevels 2-5 when the daemon is disabled, sorted.
func headerLinks(h *maintscript.LSBHeader, disabled bool) []string {
	var links []string
	for _, lvl := range h.DefaultStart {
		kind := "S"
		if disabled && strings.Contains("2345", lvl) {
			kind = "K"
		}
		links = append(links, "rc"+lvl+".d/"+kind)
	}
	for _, lvl := range h.DefaultStop {
		links = append(links, "rc"+lvl+".d/K")
	}
	slices.Sort(links)
	return links
}
