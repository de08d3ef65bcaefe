package maintscript

// RenderScripts generates the maintainer scripts of one package from its declared model,
// for packaging tools that do not use debhelper (nfpm, goreleaser, image builders): Generate,
// then WholeScript for each of preinst, postinst, prerm and postrm, with tool (for example
// "mytool/1.2") named in the marker lines.
//
// The map holds, by script name, the complete text of every script that has code; a script
// with nothing to do is absent, and the package needs none. The Output carries what the
// scripts do not show: the notes, and the init scripts of multiuser daemons rewritten to
// Default-Stop: 1, which the package must ship in place of the originals.
//
// The scripts hold dh-teardown's code only. They do not register, start, restart or stop
// the daemons the package ships, as debhelper's dh_installinit blocks would; a tool that
// needs that adds its own code. On any error the map and Output are nil and the diagnostics
// say why, positioned in the declaration file.
func RenderScripts(in Input, tool string) (map[string]string, *Output, Diagnostics) {
	out, diags := Generate(in)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	scripts := map[string]string{}
	for _, name := range Scripts {
		if text := WholeScript(name, tool, out.Fragments); text != "" {
			scripts[name] = text
		}
	}
	return scripts, out, diags
}
