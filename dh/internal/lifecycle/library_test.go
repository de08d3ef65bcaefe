//go:build integration

package lifecycle

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// The library path: a packaging tool other than debhelper (nfpm, an image builder) writes its
// own plain maintainer scripts and adds the whole scripts maintscript.Render
// produce. Its scripts handle only what Policy requires of them — in particular its postinst
// starts the daemon on configure only, not on abort-upgrade — so the generated code alone must
// bring a stopped daemon back when an upgrade fails.
//
// Package lclib ships the test daemon lclibd:
//
//	1.0  lclibd with Default-Stop 0 1 6, plain scripts
//	1.5  lclibd declared multiuser since 1.5
//	2.0  lclibd removed in 2.0

const libPkg, libDaemon = "lclib", "lclibd"

var libDaemons = map[string]string{libDaemon: libPkg}

// libPlainScripts are the tool's own scripts for a package that ships the daemon.
func libPlainScripts() map[string]string {
	return map[string]string{
		"postinst": fmt.Sprintf(`#!/bin/sh
set -e
if [ "$1" = configure ]; then
	update-rc.d %[1]s defaults >/dev/null
	if [ -n "$2" ]; then invoke-rc.d %[1]s restart; else invoke-rc.d %[1]s start; fi
fi
`, libDaemon),
		"prerm":  fmt.Sprintf("#!/bin/sh\nset -e\nif [ \"$1\" = remove ]; then\n\tinvoke-rc.d %s stop\nfi\n", libDaemon),
		"postrm": fmt.Sprintf("#!/bin/sh\nset -e\nif [ \"$1\" = purge ]; then\n\tupdate-rc.d %s remove >/dev/null\nfi\n", libDaemon),
	}
}

// libDebs builds lclib 1.0, 1.5 and 2.0 for t (dpkg-deb is quick) and returns them by
// version.
func libDebs(t *testing.T) map[string]string {
	t.Helper()
	debs, err := buildLib(t)
	require.NoError(t, err)
	return debs
}

func buildLib(t *testing.T) (map[string]string, error) {
	debs := map[string]string{}
	for _, c := range []struct {
		version, decls string
		ships          bool
	}{
		{"1.0", "", true},
		{"1.5", "Daemon: lclibd\nMultiuser: yes\nMultiuser-Since: 1.5\n", true},
		{"2.0", "Daemon: lclibd\nRemoved-In: 2.0\n", false},
	} {
		spec := dpkgroot.DebSpec{Package: libPkg, Version: c.version, Files: map[string]dpkgroot.File{}, Scripts: map[string]string{}}
		in := maintscript.Package{Name: libPkg, Version: c.version}
		if c.ships {
			spec.Files = dpkgroot.DaemonFiles(libDaemon, false)
			spec.Conffiles = []string{"/etc/init.d/" + libDaemon}
			in.InitScripts = []maintscript.InitScript{{Name: libDaemon, Content: []byte(spec.Files["/etc/init.d/"+libDaemon].Content)}}
			spec.Scripts = libPlainScripts()
		} else {
			spec.Files["/usr/share/doc/lclib/README"] = dpkgroot.File{Content: "lclibd is gone.\n"}
		}
		var out *maintscript.Result
		if c.decls != "" {
			decls, diags := maintscript.ParseDeclarations("lclib.teardown", []byte(c.decls))
			if diags.HasErrors() {
				return nil, diags
			}
			in.Declarations = decls
			if out, diags = maintscript.Render(in, "lifecycle"); diags.HasErrors() {
				return nil, diags
			}
			for _, shipped := range out.InitScripts {
				f := spec.Files["/etc/init.d/"+shipped.Name]
				f.Content = string(shipped.Content)
				spec.Files["/etc/init.d/"+shipped.Name] = f
			}
		}
		for _, s := range maintscript.AllScripts() {
			script := s.String()
			text := spec.Scripts[script]
			if out != nil {
				if whole := out.Scripts.Get(s); whole != "" {
					// The tool's own code first, then the generated blocks.
					if text == "" {
						text = whole
					} else {
						text += whole[len("#!/bin/sh\nset -e\n"):]
					}
				}
			}
			if text == "" {
				text = "#!/bin/sh\nset -e\n"
			}
			marker := debbuild.FailureMarker(libPkg, c.version, script, "")
			spec.Scripts[script] = text + fmt.Sprintf(`if [ -e "%s$1" ]; then
	echo "%s of %s %s %s $*" >&2
	exit 1
fi
`, marker, debbuild.FailureMessage, libPkg, c.version, script)
		}
		debs[c.version] = dpkgroot.BuildDeb(t, spec)
	}
	return debs, nil
}

func TestLibraryRemovedDaemonComesBackWhenTheUpgradeFails(t *testing.T) {
	for _, from := range []string{"1.0", "1.5"} {
		t.Run("preinst of 2.0 fails, from "+from, func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, libDaemons)
			debs := libDebs(t)
			s.install(debs[from])
			old := s.pid(libDaemon)
			s.failedUpgrade(libPkg, from, debs["2.0"], "after the failed preinst of 2.0", hook{"2.0", "preinst", "upgrade"})
			assert.NotEqual(t, old, s.pid(libDaemon), "stopped by 2.0's preinst, started by its postrm abort-upgrade")
			s.heal()
			s.install(debs["2.0"])
			s.purge(libPkg)
		})
		t.Run("postrm upgrade of "+from+" fails", func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, libDaemons)
			debs := libDebs(t)
			s.install(debs[from])
			s.failedUpgrade(libPkg, from, debs["2.0"], "after the failed postrm upgrade of "+from,
				hook{from, "postrm", "upgrade"}, hook{"2.0", "postrm", "failed-upgrade"})
			s.noDpkgLeftovers("/etc/init.d/" + libDaemon)
			s.heal()
			s.install(debs["2.0"])
			s.purge(libPkg)
		})
	}
}

func TestLibraryMultiuserUpgradeAndRemoval(t *testing.T) {
	t.Parallel()
	s := newScenario(t, libDaemons)
	debs := libDebs(t)
	s.install(debs["1.0"])
	assert.Contains(t, linkKinds(s.r.RCLinks(libDaemon)), "rc0.d/K")
	s.install(debs["1.5"])
	s.noStopLinksAtShutdown(libDaemon)
	s.install(debs["2.0"])
	assert.Empty(t, s.r.RCLinks(libDaemon))
	assert.NoFileExists(t, s.r.Path("/etc/init.d/"+libDaemon))
	s.install(debs["1.5"])
	s.dpkg("--remove", libPkg)
	s.install(debs["2.0"])
	s.purge(libPkg)
}
