package check

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// safeRE is what a name or path must be made of to be suggested in a declaration.
var safeRE = regexp.MustCompile(`^[A-Za-z0-9_.+@:~/-]+$`)

func safe(values ...string) bool {
	for _, v := range values {
		if !safeRE.MatchString(v) {
			return false
		}
	}
	return true
}

// daemonStanza is the debian/PKG.teardown stanza that handles a disappeared daemon.
func (c *comparison) daemonStanza(g *group) string {
	units := append([]string(nil), g.units...)
	sort.Strings(units)
	conffiles := append([]string(nil), g.conffiles...)
	sort.Strings(conffiles)
	if !safe(append(append([]string{g.name}, units...), conffiles...)...) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# debian/%s.teardown: %s ships %s, %s does not\n", c.new.Name, c.oldV, g.name, c.newV)
	fmt.Fprintf(&b, "Daemon: %s\nRemoved-In: %s\n", g.name, c.removedIn)
	if len(units) > 0 {
		fmt.Fprintf(&b, "Units: %s\n", strings.Join(units, " "))
	}
	if len(conffiles) > 0 {
		fmt.Fprintf(&b, "Conffiles: %s\n", strings.Join(conffiles, " "))
	}
	return b.String()
}

// maintscriptLine is the debian/PKG.maintscript line that removes an obsolete conffile.
func (c *comparison) maintscriptLine(p string) string {
	if !safe(p) {
		return ""
	}
	prior := c.removedIn + "~"
	if !covers(prior, c.oldV) {
		prior = c.oldV
	}
	return fmt.Sprintf("# debian/%s.maintscript: %s ships this conffile, %s does not\nrm_conffile %s %s\n", c.new.Name, c.oldV, c.newV, p, prior)
}

// infoStanza is the debian/PKG.teardown stanza that deregisters a document kept outside
// /usr/share/info.
func (c *comparison) infoStanza(name, file string) string {
	if !safe(name, file) {
		return ""
	}
	return fmt.Sprintf("# debian/%s.teardown: %s registers %s with install-info, %s does not ship it\n"+
		"# (explicit registration is for packages not uploaded to Debian: lintian's install-info-used-in-maintainer-script)\n"+
		"Info: %s\nFile: %s\nRemoved-In: %s\nRegistration: explicit\n", c.new.Name, c.oldV, file, c.newV, name, file, c.removedIn)
}
