package simulate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// call is one invocation of a simulated command.
type call struct {
	s      *System
	name   string   // argv[0]'s base name
	args   []string // argv[1:]
	env    expand.Environ
	dir    string
	stdout io.Writer
	stderr io.Writer
	cmd    *Command
}

// tools maps each simulated command to its implementation. Each returns the
// exit status; it writes what the real tool prints and records its effects.
var tools = map[string]func(*call) int{
	"chmod":                   chmodTool,
	"rm":                      rmTool,
	"mv":                      mvTool,
	"ln":                      lnTool,
	"mkdir":                   mkdirTool,
	"which":                   whichTool,
	"invoke-rc.d":             invokeRcdTool,
	"update-rc.d":             updateRcdTool,
	"dpkg":                    dpkgTool,
	"dpkg-maintscript-helper": maintscriptHelperTool,
	"install-info":            installInfoTool,
	"systemctl":               systemctlTool,
	"deb-systemd-helper":      debSystemdHelperTool,
	"deb-systemd-invoke":      debSystemdInvokeTool,
}

func (c *call) effect(format string, a ...any) {
	c.cmd.Effects = append(c.cmd.Effects, fmt.Sprintf(format, a...))
}

// errorf prints "NAME: MESSAGE" on standard error.
func (c *call) errorf(format string, a ...any) {
	fmt.Fprintf(c.stderr, c.name+": "+format+"\n", a...)
}

func (c *call) getenv(key string) string { return c.env.Get(key).String() }

// abs makes p absolute against the script's working directory.
func (c *call) abs(p string) string {
	if strings.HasPrefix(p, "/") {
		return clean(p)
	}
	return clean(path.Join(c.dir, p))
}

// errText words an FS error like strerror.
func errText(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, errNotDir):
		return "Not a directory"
	case errors.Is(err, errIsDir):
		return "Is a directory"
	case errors.Is(err, errNotEmpty):
		return "Directory not empty"
	case errors.Is(err, errLoop):
		return "Too many levels of symbolic links"
	}
	return err.Error()
}

// splitFlags separates leading single-letter options (bundled like -rf)
// from operands; "--" ends the options. letters lists the option letters;
// an option argument with any other letter is returned as bad.
func splitFlags(args []string, letters string) (flags map[rune]bool, operands []string, bad string) {
	flags = map[rune]bool{}
	for i, a := range args {
		if a == "--" {
			return flags, args[i+1:], ""
		}
		if len(a) < 2 || a[0] != '-' {
			return flags, args[i:], ""
		}
		for _, r := range a[1:] {
			if !strings.ContainsRune(letters, r) {
				return flags, nil, a
			}
		}
		for _, r := range a[1:] {
			flags[r] = true
		}
	}
	return flags, nil, ""
}

// chmodTool models coreutils chmod: octal and symbolic modes (umask 022),
// -R, -f, -v, -c. A mode like -x is a mode, not an option.
func chmodTool(c *call) int {
	var opts, rest []string
	for i, a := range c.args {
		if a == "--" {
			rest = append(rest, c.args[i+1:]...)
			break
		}
		if a == "-R" || a == "-f" || a == "-v" || a == "-c" {
			opts = append(opts, a)
			continue
		}
		rest = append(rest, a)
	}
	quiet := false
	for _, o := range opts {
		if o == "-f" {
			quiet = true
		}
	}
	if len(rest) < 2 {
		c.errorf("missing operand")
		return 1
	}
	modeArg, files := rest[0], rest[1:]
	code := 0
	for _, f := range files {
		n, err := c.s.FS.Stat(c.abs(f))
		if err != nil {
			if !quiet {
				c.errorf("cannot access '%s': %s", f, errText(err))
			}
			code = 1
			continue
		}
		mode, ok := applyMode(modeArg, n.Mode, n.Kind == KindDir)
		if !ok {
			c.errorf("invalid mode: '%s'", modeArg)
			return 1
		}
		if mode != n.Mode {
			c.effect("mode of %s: %04o -> %04o", c.abs(f), uint32(n.Mode), uint32(mode))
		}
		n.Mode = mode
	}
	return code
}

// applyMode applies an octal or symbolic chmod mode to cur.
func applyMode(spec string, cur fs.FileMode, isDir bool) (fs.FileMode, bool) {
	if v, err := strconv.ParseUint(spec, 8, 32); err == nil {
		return fs.FileMode(v) & fs.ModePerm, true
	}
	const umask = 0o022
	mode := cur
	for _, clause := range strings.Split(spec, ",") {
		i := 0
		var who fs.FileMode
		for i < len(clause) && strings.ContainsRune("ugoa", rune(clause[i])) {
			who |= map[byte]fs.FileMode{'u': 0o700, 'g': 0o070, 'o': 0o007, 'a': 0o777}[clause[i]]
			i++
		}
		masked := who == 0
		if masked {
			who = 0o777
		}
		if i == len(clause) {
			return 0, false
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, false
			}
			i++
			var bits fs.FileMode
			for i < len(clause) && strings.ContainsRune("rwxXst", rune(clause[i])) {
				switch clause[i] {
				case 'r':
					bits |= 0o444
				case 'w':
					bits |= 0o222
				case 'x':
					bits |= 0o111
				case 'X':
					if isDir || mode&0o111 != 0 {
						bits |= 0o111
					}
				}
				i++
			}
			bits &= who
			if masked {
				bits &^= umask
			}
			switch op {
			case '+':
				mode |= bits
			case '-':
				mode &^= bits
			case '=':
				mode = mode&^who | bits
			}
		}
	}
	return mode, true
}

// rmTool models coreutils rm with -f, -r/-R, -v (bundled options allowed).
func rmTool(c *call) int {
	flags, files, bad := splitFlags(c.args, "frRvid")
	if bad != "" {
		c.errorf("invalid option -- '%s'", strings.TrimPrefix(bad, "-"))
		return 1
	}
	force, recursive := flags['f'], flags['r'] || flags['R']
	if len(files) == 0 {
		if force {
			return 0
		}
		c.errorf("missing operand")
		return 1
	}
	code := 0
	for _, f := range files {
		p := c.abs(f)
		n, err := c.s.FS.Lstat(p)
		if err != nil {
			if !force {
				c.errorf("cannot remove '%s': %s", f, errText(err))
				code = 1
			}
			continue
		}
		if n.Kind == KindDir {
			if !recursive {
				c.errorf("cannot remove '%s': Is a directory", f)
				code = 1
				continue
			}
			_ = c.s.FS.RemoveAll(p)
		} else if err := c.s.FS.Remove(p); err != nil {
			c.errorf("cannot remove '%s': %s", f, errText(err))
			code = 1
			continue
		}
		c.effect("removed %s", p)
	}
	return code
}

// mvTool models coreutils mv SOURCE... DEST with -f, -i, -n, -v, -T.
func mvTool(c *call) int {
	flags, ops, bad := splitFlags(c.args, "finvT")
	if bad != "" {
		c.errorf("invalid option -- '%s'", strings.TrimPrefix(bad, "-"))
		return 1
	}
	if len(ops) < 2 {
		c.errorf("missing destination file operand after '%s'", strings.Join(ops, " "))
		return 1
	}
	dest := c.abs(ops[len(ops)-1])
	srcs := ops[:len(ops)-1]
	destIsDir := false
	if n, err := c.s.FS.Stat(dest); err == nil && n.Kind == KindDir && !flags['T'] {
		destIsDir = true
	}
	if len(srcs) > 1 && !destIsDir {
		c.errorf("target '%s' is not a directory", ops[len(ops)-1])
		return 1
	}
	code := 0
	for _, src := range srcs {
		from := c.abs(src)
		if _, err := c.s.FS.Lstat(from); err != nil {
			c.errorf("cannot stat '%s': %s", src, errText(err))
			code = 1
			continue
		}
		to := dest
		if destIsDir {
			to = path.Join(dest, path.Base(from))
		}
		if _, err := c.s.FS.Lstat(to); err == nil && flags['n'] {
			continue
		}
		if err := c.s.FS.Rename(from, to); err != nil {
			c.errorf("cannot move '%s' to '%s': %s", src, to, errText(err))
			code = 1
			continue
		}
		c.effect("renamed %s to %s", from, to)
	}
	return code
}

// lnTool models coreutils ln [-s] [-f] [-n] [-T] TARGET LINK_NAME (or
// TARGET... DIRECTORY, or TARGET alone to link in the working directory).
func lnTool(c *call) int {
	flags, ops, bad := splitFlags(c.args, "sfnTrv")
	if bad != "" {
		c.errorf("invalid option -- '%s'", strings.TrimPrefix(bad, "-"))
		return 1
	}
	if len(ops) == 0 {
		c.errorf("missing file operand")
		return 1
	}
	if len(ops) == 1 {
		ops = append(ops, c.dir)
	}
	dest := c.abs(ops[len(ops)-1])
	targets := ops[:len(ops)-1]
	destIsDir := false
	if !flags['T'] {
		var n *Node
		var err error
		if flags['n'] {
			n, err = c.s.FS.Lstat(dest)
		} else {
			n, err = c.s.FS.Stat(dest)
		}
		destIsDir = err == nil && n.Kind == KindDir
	}
	if len(targets) > 1 && !destIsDir {
		c.errorf("target '%s' is not a directory", ops[len(ops)-1])
		return 1
	}
	code := 0
	for _, t := range targets {
		link := dest
		if destIsDir {
			link = path.Join(dest, path.Base(t))
		}
		if _, err := c.s.FS.Lstat(link); err == nil {
			if !flags['f'] {
				c.errorf("failed to create %slink '%s': File exists", map[bool]string{true: "symbolic ", false: "hard "}[flags['s']], link)
				code = 1
				continue
			}
			_ = c.s.FS.Remove(link)
		}
		if flags['s'] {
			if err := c.s.FS.Symlink(t, link); err != nil {
				c.errorf("failed to create symbolic link '%s': %s", link, errText(err))
				code = 1
				continue
			}
			c.effect("linked %s -> %s", link, t)
			continue
		}
		n, err := c.s.FS.Stat(c.abs(t))
		if err != nil {
			c.errorf("failed to access '%s': %s", t, errText(err))
			code = 1
			continue
		}
		if n.Kind == KindDir {
			c.errorf("'%s': hard link not allowed for directory", t)
			code = 1
			continue
		}
		r, err := c.s.FS.resolve(link, false)
		if err == nil {
			err = c.s.FS.parentIsDir(r)
		}
		if err != nil {
			c.errorf("failed to create hard link '%s': %s", link, errText(err))
			code = 1
			continue
		}
		c.s.FS.nodes[r] = n // a hard link shares the inode
		c.effect("hard-linked %s to %s", link, c.abs(t))
	}
	return code
}

// mkdirTool models coreutils mkdir with -p, -v and -m MODE.
func mkdirTool(c *call) int {
	var mode fs.FileMode = 0o755
	parents := false
	var dirs []string
	for i := 0; i < len(c.args); i++ {
		a := c.args[i]
		switch {
		case a == "--":
			dirs = append(dirs, c.args[i+1:]...)
			i = len(c.args)
		case a == "-p":
			parents = true
		case a == "-v":
		case a == "-m" && i+1 < len(c.args):
			i++
			m, ok := applyMode(c.args[i], 0o777&^0o022, true)
			if !ok {
				c.errorf("invalid mode '%s'", c.args[i])
				return 1
			}
			mode = m
		case strings.HasPrefix(a, "--mode="), strings.HasPrefix(a, "-m"):
			spec := strings.TrimPrefix(strings.TrimPrefix(a, "--mode="), "-m")
			m, ok := applyMode(spec, 0o777&^0o022, true)
			if !ok {
				c.errorf("invalid mode '%s'", spec)
				return 1
			}
			mode = m
		case strings.HasPrefix(a, "-") && len(a) > 1:
			c.errorf("invalid option -- '%s'", strings.TrimPrefix(a, "-"))
			return 1
		default:
			dirs = append(dirs, a)
		}
	}
	if len(dirs) == 0 {
		c.errorf("missing operand")
		return 1
	}
	code := 0
	for _, d := range dirs {
		p := c.abs(d)
		if parents {
			if n, err := c.s.FS.Stat(p); err == nil && n.Kind == KindDir {
				continue
			}
			if err := c.s.FS.MkdirAll(p); err != nil {
				c.errorf("cannot create directory '%s': %s", d, errText(err))
				code = 1
				continue
			}
			_ = c.s.FS.Chmod(p, mode)
			c.effect("created directory %s", p)
			continue
		}
		if err := c.s.FS.Mkdir(p, mode); err != nil {
			c.errorf("cannot create directory '%s': %s", d, errText(err))
			code = 1
			continue
		}
		c.effect("created directory %s", p)
	}
	return code
}

// whichTool models debianutils which [-a]: prints matches on PATH, exits 1
// if any name is not found (silently), 2 on a bad option.
func whichTool(c *call) int {
	all := false
	names := c.args
	for len(names) > 0 && strings.HasPrefix(names[0], "-") && names[0] != "-" {
		if names[0] == "--" {
			names = names[1:]
			break
		}
		if names[0] != "-a" {
			fmt.Fprintln(c.stdout, "Usage: /usr/bin/which [-a] args")
			return 2
		}
		all = true
		names = names[1:]
	}
	if len(names) == 0 {
		return 1
	}
	code := 0
	isExec := func(p string) bool {
		n, err := c.s.FS.Stat(p)
		return err == nil && n.Kind == KindFile && n.Mode&0o111 != 0
	}
	for _, name := range names {
		found := false
		if strings.Contains(name, "/") {
			if isExec(c.abs(name)) {
				fmt.Fprintln(c.stdout, name)
				found = true
			}
		} else {
			for _, d := range strings.Split(c.getenv("PATH"), ":") {
				if d == "" {
					d = "."
				}
				if isExec(c.abs(path.Join(d, name))) {
					fmt.Fprintln(c.stdout, d+"/"+name)
					found = true
					if !all {
						break
					}
				}
			}
		}
		if !found {
			code = 1
		}
	}
	return code
}
