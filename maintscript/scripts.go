package maintscript

// RenderScripts generates the maintainer scripts of one package from its declared model,
// for packaging tools that do not use debhelper (nfpm, goreleaser, image builders): Generate
// for the declarations, GenerateInit for each daemon in daemons (the init scripts the package
// ships, whose registration, start, stop and restart on upgrade debhelper's dh_installinit
// would handle; their scripts are read from in.InitScripts), then WholeScript for each of
// preinst, postinst, prerm and postrm, with tool (for example "mytool/1.2") named in the
// marker lines. The daemons' code goes where dh_installdeb puts debhelper's service code:
// after the declarations' code in preinst and postinst, before it in prerm and postrm.
//
// The map holds, by script name, the complete text of every script that has code; a script
// with nothing to do is absent, and the package needs none. The Output carries what the
// scripts do not show: the notes, and the init scripts of multiuser daemons rewritten to
// Default-Stop: 1, which the package must ship in place of the originals. Declare a daemon
// multiuser in one place only: in the declarations, or as InitDaemon.Multiuser. On any error
// the map and Output are nil and the diagnostics say why.
func RenderScripts(in Input, daemons []InitDaemon, tool string) (map[string]string, *Output, Diagnostics) {
	out, diags := Generate(in)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	fragments := out.Fragments
	for _, d := range daemons {
		var script *InitScript
		if s, ok := in.InitScripts[d.Name]; ok {
			if rewritten, ok := out.InitScripts[d.Name]; ok {
				s.Content = rewritten
			}
			script = &s
		}
		initOut, initDiags := GenerateInit(InitInput{Package: in.Package, Version: in.Version, Daemon: d, Script: script})
		diags = append(diags, initDiags...)
		if initOut == nil {
			continue
		}
		fragments = append(fragments, initOut.Fragments...)
		out.Notes = append(out.Notes, initOut.Notes...)
		for name, text := range initOut.InitScripts {
			out.InitScripts[name] = text
		}
	}
	if diags.HasErrors() {
		return nil, nil, diags
	}
	scripts := map[string]string{}
	for _, name := range Scripts {
		if text := WholeScript(name, tool, fragments); text != "" {
			scripts[name] = text
		}
	}
	out.Fragments = fragments
	return scripts, out, diags
}
