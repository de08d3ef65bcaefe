package simulate

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"pault.ag/go/debian/version"
)

// relation is one --compare-versions operator: the dpkg relation and the
// exit statuses dpkg returns when the first, both or the second version is
// empty (dpkg's enquiry.c table).
type relation struct {
	cmp                  func(int) bool
	noneA, noneBoth, noB int
}

var relations = map[string]relation{
	"le":    {func(r int) bool { return r <= 0 }, 0, 0, 1},
	"lt":    {func(r int) bool { return r < 0 }, 0, 1, 1},
	"eq":    {func(r int) bool { return r == 0 }, 1, 0, 1},
	"ne":    {func(r int) bool { return r != 0 }, 0, 1, 0},
	"ge":    {func(r int) bool { return r >= 0 }, 1, 0, 0},
	"gt":    {func(r int) bool { return r > 0 }, 1, 1, 0},
	"le-nl": {func(r int) bool { return r <= 0 }, 1, 0, 0},
	"lt-nl": {func(r int) bool { return r < 0 }, 1, 1, 0},
	"ge-nl": {func(r int) bool { return r >= 0 }, 0, 0, 1},
	"gt-nl": {func(r int) bool { return r > 0 }, 0, 1, 1},
	"<":     {func(r int) bool { return r <= 0 }, 0, 0, 1},
	"<=":    {func(r int) bool { return r <= 0 }, 0, 0, 1},
	"<<":    {func(r int) bool { return r < 0 }, 0, 1, 1},
	"=":     {func(r int) bool { return r == 0 }, 1, 0, 1},
	">=":    {func(r int) bool { return r >= 0 }, 1, 0, 0},
	">>":    {func(r int) bool { return r > 0 }, 1, 1, 0},
	">":     {func(r int) bool { return r >= 0 }, 1, 0, 0},
}

// parseVersion parses v as dpkg does for --compare-versions: syntax errors
// that dpkg treats as fatal are returned as err, the ones it only warns
// about as warning (and v is still compared).
func parseVersion(v string) (parsed version.Version, warning string, err error) {
	perr := parsed.UnmarshalControl(v)
	if perr == nil {
		// dpkg also rejects what the library lets through: "1.0-", "1:-1".
		trimmed := strings.TrimSpace(v)
		switch {
		case strings.HasSuffix(trimmed, "-"):
			perr = errors.New("revision number is empty")
		case parsed.Version == "":
			perr = errors.New("version number is empty")
		default:
			return parsed, "", nil
		}
	}
	msg := perr.Error()
	if strings.HasPrefix(msg, "version number does not start with digit") || strings.HasPrefix(msg, "invalid character") {
		return parsed, fmt.Sprintf("version '%s' has bad syntax: %s", v, msg), nil
	}
	return parsed, "", fmt.Errorf("version '%s' has bad syntax: %s", v, msg)
}

// CompareVersions is dpkg --compare-versions A OP B: it returns the exit
// status (0 true, 1 false, 2 error) and the messages dpkg would print.
func CompareVersions(a, op, b string) (int, []string) {
	rel, ok := relations[op]
	if !ok {
		return 2, []string{"dpkg: error: --compare-versions bad relation"}
	}
	var msgs []string
	blank := func(v string) bool { return v == "" || v == "<unknown>" }
	var va, vb version.Version
	for _, p := range []struct {
		s   string
		dst *version.Version
	}{{a, &va}, {b, &vb}} {
		if blank(p.s) {
			continue
		}
		v, warn, err := parseVersion(p.s)
		if err != nil {
			return 2, append(msgs, "dpkg: error: "+err.Error())
		}
		if warn != "" {
			msgs = append(msgs, "dpkg: warning: "+warn)
		}
		*p.dst = v
	}
	switch {
	case blank(a) && blank(b):
		return rel.noneBoth, msgs
	case blank(a):
		return rel.noneA, msgs
	case blank(b):
		return rel.noB, msgs
	}
	if rel.cmp(version.Compare(va, vb)) {
		return 0, msgs
	}
	return 1, msgs
}

// dpkgTool models the dpkg queries maintainer scripts use:
// --compare-versions, --validate-version and --print-architecture. Any
// other dpkg call is unknown to the simulation (exit 127).
func dpkgTool(c *call) int {
	if len(c.args) == 0 {
		c.errorf("error: need an action option")
		return 2
	}
	ops := c.args[1:]
	if len(ops) > 0 && ops[0] == "--" {
		ops = ops[1:]
	}
	switch c.args[0] {
	case "--compare-versions":
		if len(ops) != 3 {
			c.errorf("error: --compare-versions takes three arguments: <version> <relation> <version>")
			return 2
		}
		code, msgs := CompareVersions(ops[0], ops[1], ops[2])
		for _, m := range msgs {
			fmt.Fprintln(c.stderr, m)
		}
		return code
	case "--validate-version":
		if len(ops) != 1 {
			c.errorf("error: --validate-version takes one <version> argument")
			return 2
		}
		_, warning, err := parseVersion(ops[0])
		switch {
		case err != nil:
			c.errorf("error: %s", err)
			return 2
		case warning != "":
			c.errorf("warning: %s", warning)
			return 1
		}
		return 0
	case "--print-architecture":
		fmt.Fprintln(c.stdout, c.s.Arch)
		return 0
	}
	c.cmd.Unknown = true
	c.effect("dpkg %s is not simulated", c.args[0])
	c.errorf("error: %s is not simulated", c.args[0])
	return 127
}

// maintscriptHelperTool models dpkg-maintscript-helper 1.21.22: supports,
// rm_conffile and mv_conffile, step for step; the other commands are
// unknown to the simulation (exit 127).
func maintscriptHelperTool(c *call) int {
	if len(c.args) == 0 {
		return helperBadUsage(c, "missing command")
	}
	command, args := c.args[0], c.args[1:]
	switch command {
	case "supports":
		code := 1
		if len(args) > 0 && (args[0] == "rm_conffile" || args[0] == "mv_conffile" ||
			args[0] == "symlink_to_dir" || args[0] == "dir_to_symlink") {
			code = 0
		}
		for _, v := range []string{"DPKG_MAINTSCRIPT_NAME", "DPKG_MAINTSCRIPT_PACKAGE"} {
			if c.getenv(v) == "" {
				fmt.Fprintf(c.stderr, "dpkg-maintscript-helper: warning: environment variable %s missing\n", v)
				code = 1
			}
		}
		return code
	case "rm_conffile":
		return conffileHelper(c, command, args, 1)
	case "mv_conffile":
		return conffileHelper(c, command, args, 2)
	case "--help", "help", "-?", "--version":
		return 0
	case "symlink_to_dir", "dir_to_symlink":
		c.cmd.Unknown = true
		c.effect("dpkg-maintscript-helper %s is not simulated", command)
		return 127
	}
	return helperBadUsage(c, "command "+command+" is unknown")
}

func helperBadUsage(c *call, msg string) int {
	fmt.Fprintf(c.stderr, "dpkg-maintscript-helper: error: %s\n\nUse 'dpkg-maintscript-helper --help' for program usage information.\n", msg)
	return 1
}

func helperError(c *call, msg string) int {
	fmt.Fprintf(c.stderr, "dpkg-maintscript-helper: error: %s\n", msg)
	return 1
}

// conffileHelper is rm_conffile (paths=1: CONFFILE) and mv_conffile
// (paths=2: OLD NEW), followed by [PRIOR-VERSION [PACKAGE]] -- ARGS.
func conffileHelper(c *call, command string, args []string, paths int) int {
	positional := make([]string, paths+2)
	copy(positional, args)
	files := positional[:paths]
	last, pkg := positional[paths], positional[paths+1]
	defPkg := c.getenv("DPKG_MAINTSCRIPT_PACKAGE")
	if arch := c.getenv("DPKG_MAINTSCRIPT_ARCH"); arch != "" {
		defPkg += ":" + arch
	}
	if last == "--" {
		last, pkg = "", defPkg
	}
	if pkg == "--" || pkg == "" {
		pkg = defPkg
	}
	i := 0
	for i < len(args) && args[i] != "--" {
		i++
	}
	if i == len(args) {
		return helperBadUsage(c, "missing arguments after --")
	}
	params := args[i+1:]
	param := func(n int) string {
		if n < len(params) {
			return params[n]
		}
		return ""
	}
	switch {
	case pkg == "":
		return helperError(c, "couldn't identify the package")
	case param(0) == "":
		return helperError(c, "maintainer script parameters are missing")
	case c.getenv("DPKG_MAINTSCRIPT_NAME") == "":
		return helperError(c, "environment variable DPKG_MAINTSCRIPT_NAME is required")
	case c.getenv("DPKG_MAINTSCRIPT_PACKAGE") == "":
		return helperError(c, "environment variable DPKG_MAINTSCRIPT_PACKAGE is required")
	}
	for n, f := range files {
		if !strings.HasPrefix(f, "/") {
			what := []string{"conffile", "old-conffile", "new-conffile"}[n+paths-1]
			return helperError(c, fmt.Sprintf("%s '%s' is not an absolute path", what, f))
		}
	}
	if last != "" {
		if _, warning, err := parseVersion(last); err != nil {
			return helperError(c, "dpkg: error: "+err.Error())
		} else if warning != "" {
			return helperError(c, "dpkg: warning: "+warning)
		}
	}
	h := &helper{c: c, pkg: pkg, root: c.getenv("DPKG_ROOT")}
	if h.root == "/" {
		h.root = ""
	}
	inRange := func() bool {
		if param(1) == "" {
			return false
		}
		code, _ := CompareVersions(param(1), "le-nl", last)
		c.effect("%s: %q le-nl %q is %v", command, param(1), last, code == 0)
		return code == 0
	}
	action := param(0)
	switch script := c.getenv("DPKG_MAINTSCRIPT_NAME"); {
	case script == "preinst" && (action == "install" || action == "upgrade") && inRange():
		h.prepare(files[0], command == "rm_conffile")
	case script == "postinst" && action == "configure" && inRange():
		if command == "rm_conffile" {
			h.finishRm(files[0])
		} else {
			h.finishMv(files[0], files[1])
		}
	case script == "postrm":
		if action == "purge" && command == "rm_conffile" {
			for _, ext := range []string{".dpkg-bak", ".dpkg-remove", ".dpkg-backup"} {
				h.remove(files[0] + ext)
			}
		}
		if (action == "abort-install" || action == "abort-upgrade") && inRange() {
			h.abort(files[0], command == "rm_conffile")
		}
	}
	return 0
}

// helper carries out the file operations of the conffile commands.
type helper struct {
	c    *call
	pkg  string
	root string
}

func (h *helper) path(p string) string { return h.root + p }

func (h *helper) owns(file string) bool {
	st := h.c.s.DB[stripArch(h.pkg)]
	return st != nil && st.Status != NotInstalled && st.owns(file)
}

func (h *helper) move(from, to string) {
	if err := h.c.s.FS.Rename(h.path(from), h.path(to)); err == nil {
		h.c.effect("renamed %s to %s", h.path(from), h.path(to))
	}
}

func (h *helper) remove(p string) {
	if n, _ := h.c.s.FS.Lstat(h.path(p)); n != nil && n.Kind != KindDir {
		_ = h.c.s.FS.Remove(h.path(p))
		h.c.effect("removed %s", h.path(p))
	}
}

func (h *helper) exists(p string) bool { return h.c.s.FS.Exists(h.path(p)) }

// prepare is prepare_rm_conffile / prepare_mv_conffile: move the conffile
// aside in preinst, to .dpkg-remove when unmodified (its hash is the one in
// dpkg's database), else (rm_conffile only) to .dpkg-backup.
func (h *helper) prepare(conffile string, rm bool) {
	if !h.exists(conffile) || !h.owns(conffile) {
		return
	}
	content, _ := h.c.s.FS.ReadFile(h.path(conffile))
	recorded := ""
	if st := h.c.s.DB[stripArch(h.pkg)]; st != nil {
		recorded = st.Conffiles[conffile].Hash
	}
	switch {
	case hash(content) == recorded:
		h.move(conffile, conffile+".dpkg-remove")
	case rm:
		h.move(conffile, conffile+".dpkg-backup")
	}
}

func (h *helper) finishRm(conffile string) {
	if h.exists(conffile + ".dpkg-backup") {
		fmt.Fprintf(h.c.stdout, "Obsolete conffile %s has been modified by you.\nSaving as %s.dpkg-bak ...\n",
			h.path(conffile), h.path(conffile))
		h.move(conffile+".dpkg-backup", conffile+".dpkg-bak")
	}
	if h.exists(conffile + ".dpkg-remove") {
		fmt.Fprintf(h.c.stdout, "Removing obsolete conffile %s ...\n", h.path(conffile))
		h.remove(conffile + ".dpkg-remove")
	}
}

func (h *helper) finishMv(oldFile, newFile string) {
	h.remove(oldFile + ".dpkg-remove")
	if !h.exists(oldFile) || !h.owns(oldFile) {
		return
	}
	fmt.Fprintf(h.c.stdout, "Preserving user changes to %s (renamed from %s)...\n", h.path(newFile), h.path(oldFile))
	if h.exists(newFile) {
		h.move(newFile, newFile+".dpkg-new")
	}
	h.move(oldFile, newFile)
}

func (h *helper) abort(conffile string, rm bool) {
	if !h.owns(conffile) {
		return
	}
	if h.exists(conffile + ".dpkg-remove") {
		fmt.Fprintf(h.c.stdout, "Reinstalling %s that was moved away\n", h.path(conffile))
		h.move(conffile+".dpkg-remove", conffile)
	}
	if rm && h.exists(conffile+".dpkg-backup") {
		fmt.Fprintf(h.c.stdout, "Reinstalling %s that was backed-up\n", h.path(conffile))
		h.move(conffile+".dpkg-backup", conffile)
	}
}

// installInfoTool models GNU install-info 6.8 as far as registration goes:
// the info file must exist (possibly compressed), the dir file is given by
// --info-dir, --dir-file or the second operand, and entries are keyed by
// the document's file name.
func installInfoTool(c *call) int {
	var dirFile string
	var operands []string
	remove := false
	takesValue := map[string]bool{"--info-dir": true, "--dir-file": true, "--info-file": true, "--section": true,
		"--description": true, "--entry": true, "--item": true, "--name": true, "--menuentry": true,
		"--defsection": true, "--align": true, "--calign": true, "--maxwidth": true, "--max-width": true}
	for i := 0; i < len(c.args); i++ {
		a := c.args[i]
		name, value, hasValue := strings.Cut(a, "=")
		if takesValue[name] && !hasValue {
			if i+1 >= len(c.args) {
				c.errorf("option '%s' requires an argument", name)
				return 1
			}
			i++
			value = c.args[i]
		}
		switch {
		case name == "--info-dir":
			dirFile = path.Join(value, "dir")
		case name == "--dir-file":
			dirFile = value
		case name == "--info-file":
			operands = append([]string{value}, operands...)
		case name == "--remove" || name == "--delete" || name == "-r":
			remove = true
		case takesValue[name], strings.HasPrefix(a, "-") && len(a) > 1:
		default:
			operands = append(operands, a)
		}
	}
	if len(operands) > 1 && dirFile == "" {
		dirFile = operands[1]
	}
	if len(operands) == 0 {
		c.errorf("No input file specified; try --help for more information.")
		return 1
	}
	if dirFile == "" {
		c.errorf("No dir file specified; try --help for more information.")
		return 1
	}
	info := c.abs(operands[0])
	found := false
	for _, ext := range []string{"", ".gz", ".xz", ".bz2", ".lz", ".lzma", ".Z", ".zst"} {
		if n, err := c.s.FS.Stat(info + ext); err == nil && n.Kind == KindFile {
			found = true
			break
		}
	}
	if !found {
		c.errorf("No such file or directory for %s", operands[0])
		return 1
	}
	dirFile = c.abs(dirFile)
	content, err := c.s.FS.ReadFile(dirFile)
	if err != nil {
		if werr := c.s.FS.parentIsDir(dirFile); werr != nil {
			c.errorf("%s: could not read (%s) and could not create (%s)", dirFile, errText(err), errText(werr))
			return 1
		}
		content = infoDirHeader
	}
	doc := infoDocName(operands[0])
	entries := infoEntries(content)
	has := false
	var kept []string
	for _, e := range entries {
		if e == doc {
			has = true
			continue
		}
		kept = append(kept, e)
	}
	if remove {
		if !has {
			c.errorf("warning: no entries found for `%s'; nothing deleted", operands[0])
			return 0
		}
		c.effect("removed %s from %s", doc, dirFile)
		entries = kept
	} else if !has {
		entries = append(entries, doc)
		c.effect("registered %s in %s", doc, dirFile)
	}
	sort.Strings(entries)
	var b strings.Builder
	b.WriteString(infoDirHeader)
	for _, e := range entries {
		fmt.Fprintf(&b, "* %s: (%s).\n", e, e)
	}
	if err := c.s.FS.WriteFile(dirFile, b.String(), 0o644); err != nil {
		c.errorf("%s: could not write (%s)", dirFile, errText(err))
		return 1
	}
	return 0
}

const infoDirHeader = "\x1f\nFile: dir,\tNode: Top\tThis is the top of the INFO tree\n\n* Menu:\n\n"

var infoEntry = regexp.MustCompile(`(?m)^\* [^:]+: \(([^)]+)\)\.`)

// infoEntries lists the documents named in an info dir file.
func infoEntries(content string) []string {
	var out []string
	for _, m := range infoEntry.FindAllStringSubmatch(content, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// infoDocName is the document name of an info file: its base name without
// compression suffix and without .info.
func infoDocName(p string) string {
	base := path.Base(p)
	for _, ext := range []string{".gz", ".xz", ".bz2", ".lz", ".lzma", ".Z", ".zst"} {
		base = strings.TrimSuffix(base, ext)
	}
	return strings.TrimSuffix(base, ".info")
}
