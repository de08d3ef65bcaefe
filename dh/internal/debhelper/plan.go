package debhelper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Plan collects everything a command writes to a source tree and writes it
// in one go with Commit, all or nothing: a command adds to a Plan while it
// works and commits only when it found no problem.
//
// Generated blocks are idempotent, unlike debhelper's: on Commit, the blocks
// this Tool with this Scope added to one autoscript file replace the blocks
// it wrote there in an earlier run, at their place, so that running a
// command twice changes no byte, even when other tools wrote blocks in
// between; blocks of other tools and other scopes stay as they are. Which
// blocks an earlier run wrote is recorded in
// debian/.debhelper/generated/PKG/autoscript-owners (removed by dh_prep
// and dh_clean together with the blocks themselves).
//
// Paths are relative to Root, slash-separated, and must stay inside it.
// Methods that add to the plan do no I/O; mistakes in their arguments
// (bad package or script names, paths leaving Root, two writes to one
// file) are reported by Commit, which then writes nothing.
type Plan struct {
	Root    string // the source tree: the directory that holds debian/
	Tool    string // the command, e.g. "dh_teardown", named in the block markers
	Version string // its version, e.g. "0.1.0", named in the block markers
	// Scope tells apart runs of one Tool that generate different blocks
	// for the same package, such as "dh_installinit" and
	// "dh_installinit --name=foo" in one override target. A run replaces
	// only blocks written with its own Scope. Empty by default; it must not
	// contain tabs or newlines.
	Scope   string
	Verbose bool      // print each action, as debhelper's verbose_print does
	NoAct   bool      // compute and print, but write nothing
	Out     io.Writer // where verbose output goes; os.Stdout when nil

	problems []string
	steps    []step               // in the order added, for output
	scripts  map[string]*scriptOp // by file
	claimed  []string             // packages whose blocks this run regenerates
	valid    map[string]bool      // package names checked, and whether claimed
	subst    map[string]*substOp  // by package
	files    map[string]*fileOp   // WriteFile, InstallFile, Remove by path
	dirs     map[string]bool
}

// step is one entry of a Plan, in the order it was added.
type step struct {
	kind string // "script", "substvars", "file", "dir"
	key  string // file path, or package for substvars
}

type scriptOp struct {
	pkg, script string
	service     bool
	bodies      []string
}

type substOp struct {
	pkg  string
	adds [][2]string // name, value
}

type fileOp struct {
	data     []byte
	src      string // InstallFile source, read at Commit
	mode     os.FileMode
	keepMode bool // ReplaceFile: an existing file keeps its permission bits
	remove   bool
}

// NewPlan returns an empty Plan for the source tree root, taking Verbose and
// NoAct from opts (which may be nil).
func NewPlan(root, tool, version string, opts *Options) *Plan {
	p := &Plan{Root: root, Tool: tool, Version: version}
	if opts != nil {
		p.Verbose, p.NoAct = opts.Verbose, opts.NoAct
	}
	return p
}

func (p *Plan) problem(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

func (p *Plan) validPackage(pkg string) bool {
	if _, ok := p.valid[pkg]; ok {
		return true
	}
	if err := maintscript.CheckPackageName(pkg); err != nil {
		p.problem("%v", err)
		return false
	}
	if p.valid == nil {
		p.valid = map[string]bool{}
	}
	p.valid[pkg] = false
	return true
}

// ClaimPackage declares that this run generates all blocks of Tool and
// Scope for pkg: blocks written for it by an earlier run are removed at
// Commit even from scripts this run adds nothing to. Commands call it for
// each package they act on; AddAutoscript and AddServiceScript imply it.
func (p *Plan) ClaimPackage(pkg string) {
	if p.validPackage(pkg) && !p.valid[pkg] {
		p.valid[pkg] = true
		p.claimed = append(p.claimed, pkg)
	}
}

// AddAutoscript adds a block of shell code to pkg's script (preinst,
// postinst, prerm or postrm) in debian/PKG.SCRIPT.debhelper, which
// dh_installdeb substitutes for #DEBHELPER#. The block is text (a final
// newline is added if missing) between "# Automatically added by
// TOOL/VERSION" and "# End automatically added section". As in debhelper,
// preinst and postinst blocks are appended and prerm and postrm blocks
// prepended, so that a later add runs after an earlier one on install and
// before it on removal.
func (p *Plan) AddAutoscript(pkg, script, text string) {
	p.addScript(pkg, script, text, false)
}

// AddServiceScript is AddAutoscript for debhelper's service bucket,
// debian/.debhelper/generated/PKG/SCRIPT.service (what dh_installinit and
// dh_installsystemd write to), which dh_installdeb places after all
// .debhelper blocks in preinst and postinst and before them in prerm and
// postrm.
func (p *Plan) AddServiceScript(pkg, script, text string) {
	p.addScript(pkg, script, text, true)
}

func (p *Plan) addScript(pkg, script, text string, service bool) {
	if !p.validPackage(pkg) {
		return
	}
	if _, err := maintscript.ParseScript(script); err != nil {
		p.problem("%v", err)
		return
	}
	p.ClaimPackage(pkg)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	file := autoscriptFile(pkg, script, service)
	if p.scripts == nil {
		p.scripts = map[string]*scriptOp{}
	}
	op := p.scripts[file]
	if op == nil {
		op = &scriptOp{pkg: pkg, script: script, service: service}
		p.scripts[file] = op
		p.steps = append(p.steps, step{"script", file})
	}
	op.bodies = append(op.bodies, text)
}

// AddSubstvar adds value to the substvar name of pkg in
// debian/PKG.substvars, as debhelper's addsubstvar does:
// AddSubstvar("hello", "misc:Pre-Depends", "init-system-helpers (>= 1.54~)")
// gives "misc:Pre-Depends=init-system-helpers (>= 1.54~)", or merges the
// value into an existing misc:Pre-Depends line (items separated by ", ",
// sorted, without duplicates; a line already holding it is left alone).
func (p *Plan) AddSubstvar(pkg, name, value string) {
	if !p.validPackage(pkg) {
		return
	}
	if strings.ContainsAny(name, "=\n") || name == "" {
		p.problem("invalid substvar name %q", name)
		return
	}
	if strings.Contains(value, "\n") {
		p.problem("substvar %s: value must not contain a newline: %q", name, value)
		return
	}
	if p.subst == nil {
		p.subst = map[string]*substOp{}
	}
	op := p.subst[pkg]
	if op == nil {
		op = &substOp{pkg: pkg}
		p.subst[pkg] = op
		p.steps = append(p.steps, step{"substvars", pkg})
	}
	op.adds = append(op.adds, [2]string{name, value})
}

// WriteFile writes data to the file name with the given permission bits
// (e.g. 0755 for debian/PKG/etc/init.d/NAME), creating missing parent
// directories with mode 0755.
func (p *Plan) WriteFile(name string, data []byte, mode os.FileMode) {
	p.addFile(name, &fileOp{data: bytes.Clone(data), mode: mode.Perm()})
}

// ReplaceFile is WriteFile for a file that may have been staged with other
// permission bits (such as an init script an earlier command installed):
// an existing file keeps its bits, mode is for a new one.
func (p *Plan) ReplaceFile(name string, data []byte, mode os.FileMode) {
	p.addFile(name, &fileOp{data: bytes.Clone(data), mode: mode.Perm(), keepMode: true})
}

// InstallFile copies the file src to dst with the given permission bits and
// src's modification time, like debhelper's install_file and install_prog
// ("install -p -m0755 SRC DST"), creating missing parent directories with
// mode 0755. src is read at Commit.
func (p *Plan) InstallFile(src, dst string, mode os.FileMode) {
	if _, ok := p.clean(src); ok {
		p.addFile(dst, &fileOp{src: src, mode: mode.Perm()})
	}
}

// Remove removes the file (or symbolic link) name if it exists.
func (p *Plan) Remove(name string) {
	p.addFile(name, &fileOp{remove: true})
}

// MkdirAll creates the directory dir and its missing parents with mode
// 0755, like debhelper's install_dir ("install -m0755 -d DIR").
func (p *Plan) MkdirAll(dir string) {
	c, ok := p.clean(dir)
	if !ok {
		return
	}
	if p.dirs == nil {
		p.dirs = map[string]bool{}
	}
	if !p.dirs[c] {
		p.dirs[c] = true
		p.steps = append(p.steps, step{"dir", c})
	}
}

func (p *Plan) addFile(name string, op *fileOp) {
	c, ok := p.clean(name)
	if !ok {
		return
	}
	if p.files == nil {
		p.files = map[string]*fileOp{}
	}
	if p.files[c] != nil {
		p.problem("%s: written twice in one run", c)
		return
	}
	p.files[c] = op
	p.steps = append(p.steps, step{"file", c})
}

// clean checks that name is a relative path inside Root and returns it
// cleaned.
func (p *Plan) clean(name string) (string, bool) {
	c := path.Clean(name)
	if name == "" || path.IsAbs(c) || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		p.problem("%q: not a path inside the source tree", name)
		return "", false
	}
	return c, true
}

// change is one file Commit writes or removes.
type change struct {
	path   string
	data   []byte
	mode   os.FileMode
	mtime  time.Time // zero: leave as written
	remove bool
	exists bool // the file exists: it is replaced through a temporary file
}

// Commit carries out the plan. It first reads what it needs and works out
// every file's new contents; any problem there (including those recorded
// by the methods that add to the plan) is returned with nothing written.
// Files whose contents and permissions would not change are not written,
// keeping their modification times. In Verbose mode each action is printed
// in debhelper's style ("\tinstall -m0755 -d debian/hello/etc/init.d"); so
// it is with NoAct, which then stops before writing anything.
//
// A file that exists is replaced through a temporary file in its directory
// renamed over it; a new file is written in place (nothing can have read
// it yet); missing directories are created first. When creating a
// directory or writing a file fails, everything created so far is removed
// and the tree is as before, directory modification times included. The
// renames come last; should one fail (which takes a fault such as a full
// or read-only file system appearing in between), the files renamed before
// it stay changed. Commit makes its system calls directly and as few as it
// can: it lists debian/ once, reads nothing below a directory it knows is
// missing, and writes only what changes.
func (p *Plan) Commit() error {
	if len(p.problems) > 0 {
		return errors.New(strings.Join(p.problems, "\n"))
	}
	if p.Tool == "" || p.Version == "" || strings.ContainsAny(p.Tool+p.Version, " \t\n/") {
		return fmt.Errorf("tool %q and version %q must be non-empty words without \"/\"", p.Tool, p.Version)
	}
	if strings.ContainsAny(p.Scope, "\t\n") {
		return fmt.Errorf("scope %q contains a tab or newline", p.Scope)
	}
	t := newTreeFS(filepath.Clean(p.Root))
	t.listDebian()
	t.prefetch(p.reads())
	changes, dirs, log, err := p.compute(t)
	if err != nil {
		return err
	}
	if p.Verbose || p.NoAct {
		out := p.Out
		if out == nil {
			out = os.Stdout
		}
		for _, l := range log {
			fmt.Fprintf(out, "\t%s\n", l)
		}
	}
	if p.NoAct {
		return nil
	}
	return p.apply(t, changes, dirs)
}

// describe phrases a file system error about a plan path without the
// absolute path it happened on.
func describe(name string, err error) string {
	return name + ": " + Cause(err).Error()
}

// reads lists the files compute will read (most of them: those it finds
// it needs on the way are read then), to be read ahead several at a time.
func (p *Plan) reads() []string {
	var names []string
	for _, pkg := range p.claimed {
		names = append(names, ledgerFile(pkg))
	}
	for file := range p.scripts {
		names = append(names, file)
	}
	for pkg := range p.subst {
		names = append(names, substvarsFile(pkg))
	}
	for name, op := range p.files {
		if !op.remove {
			names = append(names, name)
		}
		if op.src != "" {
			names = append(names, op.src)
		}
	}
	return names
}

// logs reports whether Commit needs the log of what it does (building it
// costs time in trees of many packages).
func (p *Plan) logs() bool { return p.Verbose || p.NoAct }

// compute works out the changes, the directories to create and the
// verbose log, reading the tree but writing nothing.
func (p *Plan) compute(t *treeFS) (changes []change, dirs []string, log []string, err error) {
	owner := map[string]string{} // path -> what writes it, to catch conflicts
	var problems []string
	claim := func(name, what string) bool {
		if prev, ok := owner[name]; ok {
			problems = append(problems, fmt.Sprintf("%s: written by both %s and %s", name, prev, what))
			return false
		}
		owner[name] = what
		return true
	}
	// update records new contents for a file unless they equal the old.
	update := func(name string, old fileRead, data []byte) bool {
		if old.exists && bytes.Equal(old.data, data) {
			return false
		}
		mode := os.FileMode(0o644)
		if old.exists {
			mode = old.mode
		}
		changes = append(changes, change{path: name, data: data, mode: mode, exists: old.exists})
		return true
	}

	scriptLog := map[string]string{} // for files this run adds to
	var staleLog []string            // for files it only removes old blocks from
	for _, pkg := range p.claimed {
		if err := p.computeScripts(t, pkg, claim, update, scriptLog, &staleLog, &changes); err != nil {
			problems = append(problems, err.Error())
		}
	}
	log = append(log, staleLog...)

	for _, s := range p.steps {
		switch s.kind {
		case "script":
			if l, ok := scriptLog[s.key]; ok {
				log = append(log, l)
			}
		case "substvars":
			name := substvarsFile(s.key)
			if !claim(name, "AddSubstvar") {
				continue
			}
			old, err := t.read(name)
			if err != nil {
				problems = append(problems, describe(name, err))
				continue
			}
			data := string(old.data)
			for _, a := range p.subst[s.key].adds {
				var changed bool
				if data, changed = addSubstvar(data, a[0], a[1]); changed {
					if p.logs() {
						log = append(log, fmt.Sprintf("[META] Add %s=%s to substvars [%s]", a[0], a[1], name))
					}
				}
			}
			update(name, old, []byte(data))
		case "dir":
			switch exists, err := t.dirExists(s.key); {
			case err != nil:
				problems = append(problems, err.Error())
			case !exists:
				dirs = append(dirs, s.key)
				if p.logs() {
					log = append(log, "install -m0755 -d "+escapeShell(s.key))
				}
			}
		case "file":
			op := p.files[s.key]
			if !claim(s.key, "a staged file") {
				continue
			}
			if op.remove {
				fi, err := os.Lstat(t.abs(s.key))
				switch {
				case errors.Is(err, fs.ErrNotExist):
				case err != nil:
					problems = append(problems, describe(s.key, err))
				case fi.IsDir():
					problems = append(problems, fmt.Sprintf("%s: is a directory, not removed", s.key))
				default:
					changes = append(changes, change{path: s.key, remove: true})
					if p.logs() {
						log = append(log, "rm -f "+escapeShell(s.key))
					}
				}
				continue
			}
			old, err := t.read(s.key)
			if err != nil {
				problems = append(problems, describe(s.key, err))
				continue
			}
			switch {
			case op.src != "":
				src, err := t.read(op.src)
				if err == nil && !src.exists {
					err = syscall.ENOENT
				}
				if err != nil {
					problems = append(problems, describe(op.src, err))
					continue
				}
				if old.exists && old.mode == op.mode && bytes.Equal(old.data, src.data) {
					continue
				}
				changes = append(changes, change{path: s.key, data: src.data, mode: op.mode, mtime: src.mtime, exists: old.exists})
				if p.logs() {
					log = append(log, fmt.Sprintf("install -p -m%04o %s", op.mode, escapeShell(op.src, s.key)))
				}
			default:
				mode := op.mode
				if op.keepMode && old.exists {
					mode = old.mode
				}
				if old.exists && old.mode == mode && bytes.Equal(old.data, op.data) {
					continue
				}
				changes = append(changes, change{path: s.key, data: op.data, mode: mode, exists: old.exists})
				if p.logs() {
					log = append(log, fmt.Sprintf("[META] Write %s (mode %04o)", escapeShell(s.key), mode))
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, nil, nil, errors.New(strings.Join(problems, "\n"))
	}
	return changes, dirs, log, nil
}

// computeScripts merges this run's blocks for pkg into its autoscript
// files and updates its ledger.
func (p *Plan) computeScripts(t *treeFS, pkg string, claim func(string, string) bool,
	update func(string, fileRead, []byte) bool,
	scriptLog map[string]string, staleLog *[]string, changes *[]change) error {
	lname := ledgerFile(pkg)
	if !claim(lname, "the autoscript ledger") {
		return nil
	}
	oldLedger, err := t.read(lname)
	if err != nil {
		return errors.New(describe(lname, err))
	}
	led, err := parseLedger(lname, string(oldLedger.data))
	if err != nil {
		return err
	}
	for _, service := range []bool{false, true} {
		for _, s := range maintscript.AllScripts() {
			script := s.String()
			file := autoscriptFile(pkg, script, service)
			key := ledgerKey{file: file, tool: p.Tool, scope: p.Scope}
			op := p.scripts[file]
			if op == nil && len(led[key]) == 0 {
				continue
			}
			if !claim(file, "autoscripts") {
				continue
			}
			var bodies []string
			if op != nil {
				bodies = op.bodies
			}
			var owned map[string]bool
			for _, h := range led[key] {
				if owned == nil {
					owned = map[string]bool{}
				}
				owned[h] = true
			}
			old, err := t.read(file)
			if err != nil {
				return errors.New(describe(file, err))
			}
			merged, replaced := mergeBlocks(string(old.data), script, p.Tool, p.Version, owned, bodies)
			delete(led, key)
			for _, b := range bodies {
				led[key] = append(led[key], bodyHash(b))
			}
			var changed bool
			if merged == "" {
				if old.exists {
					*changes = append(*changes, change{path: file, remove: true})
					changed = true
				}
			} else {
				changed = update(file, old, []byte(merged))
			}
			if !changed {
				continue
			}
			if op == nil {
				if p.logs() {
					*staleLog = append(*staleLog, fmt.Sprintf("[META] Remove autosnippets of %s from %s [%s]", p.Tool, script, file))
				}
				continue
			}
			verb := "Append"
			switch {
			case replaced:
				verb = "Replace"
			case prepends(script):
				verb = "Prepend"
			}
			if p.logs() {
				scriptLog[file] = fmt.Sprintf("[META] %s autosnippets of %s in %s [%s]", verb, p.Tool, script, file)
			}
		}
	}
	if newLedger := led.format(); newLedger == "" {
		if oldLedger.exists {
			*changes = append(*changes, change{path: lname, remove: true})
		}
	} else {
		update(lname, oldLedger, []byte(newLedger))
	}
	return nil
}

// apply writes the changes: directories, then new files and temporary
// files for existing ones, then renames, then removals.
func (p *Plan) apply(t *treeFS, changes []change, dirs []string) (err error) {
	t.readUmask()
	var (
		created []string // directories and new files made, in order
		temps   [][2]string
		mtimes  = map[string]time.Time{} // of existing directories we add entries to
	)
	touch := func(dir string) {
		if _, ok := mtimes[dir]; !ok {
			if mtime, ok := t.mtime(dir); ok {
				mtimes[dir] = mtime
			}
		}
	}
	defer func() {
		if err == nil {
			return
		}
		for _, tmp := range temps {
			t.remove(tmp[0])
		}
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(t.abs(created[i]))
		}
		for dir, mtime := range mtimes {
			t.setMtime(dir, mtime)
		}
	}()
	// The directories to create, parents first, noting the modification
	// time of each existing directory that gains one.
	made := map[string]bool{}
	var levels [][]string // directories to make by depth below the root
	plan := func(dir string) error {
		var chain []string
		for d := dir; d != "." && !made[d]; d = path.Dir(d) {
			exists, err := t.dirExists(d)
			if err != nil {
				return err
			}
			if exists {
				break
			}
			chain = append(chain, d)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			d := chain[i]
			if !made[path.Dir(d)] {
				touch(path.Dir(d))
			}
			made[d] = true
			depth := strings.Count(d, "/")
			for len(levels) <= depth {
				levels = append(levels, nil)
			}
			levels[depth] = append(levels[depth], d)
		}
		return nil
	}
	for _, d := range dirs {
		if err := plan(d); err != nil {
			return err
		}
	}
	writes := make([]write, 0, len(changes))
	for _, c := range changes {
		if c.remove {
			continue
		}
		dir := path.Dir(c.path)
		if err := plan(dir); err != nil {
			return err
		}
		if !made[dir] {
			touch(dir)
		}
		w := write{change: c, name: c.path}
		if c.exists {
			w.name = t.tempName(c.path)
		}
		writes = append(writes, w)
	}
	// Then the directories, level by level, and the files, several at a
	// time: each is a system call or a few, and trees of many packages have
	// thousands.
	for _, level := range levels {
		ok := make([]bool, len(level))
		err := parallel(len(level), func(i int) (err error) {
			ok[i], err = t.mkdir(level[i])
			return err
		})
		for i, d := range level {
			t.dirs[d] = true
			if ok[i] {
				created = append(created, d)
			}
		}
		if err != nil {
			return err
		}
	}
	err = t.writeAll(writes)
	for _, w := range writes {
		switch {
		case !w.done:
		case w.exists:
			temps = append(temps, [2]string{w.name, w.path})
		default:
			created = append(created, w.path)
		}
	}
	if err != nil {
		return err
	}
	for i, tmp := range temps {
		if err := t.rename(tmp[0], tmp[1]); err != nil {
			temps, created, mtimes = temps[i:], nil, nil
			return err
		}
	}
	temps, created, mtimes = nil, nil, nil
	for _, c := range changes {
		if c.remove {
			if err := t.remove(c.path); err != nil {
				return err
			}
		}
	}
	return nil
}

// escapeShell quotes words for display the way Dh_Lib's escape_shell does.
func escapeShell(words ...string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if !strings.ContainsAny(w, "!\"$()*+#;<>?@[]\\`|~ \t\n\r\f\v") {
			quoted[i] = w
		} else if strings.ContainsAny(w, " \t\n\r\f\v") {
			w = quotedSpecial.ReplaceAllString(w, `\$1`)
			quoted[i] = `"` + w + `"`
		} else {
			quoted[i] = shellSpecial.ReplaceAllString(w, `\$1`)
		}
	}
	return strings.Join(quoted, " ")
}

// quotedSpecial are the characters escape_shell backslash-escapes inside
// double quotes, shellSpecial those in words without white space.
var quotedSpecial = regexp.MustCompile("([\n`$\"\\\\])")
var shellSpecial = regexp.MustCompile("([!\"$()*+#;<>?@\\[\\]\\\\`|~])")
