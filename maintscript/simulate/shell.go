package simulate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Internal command names the call handler rewrites the lookup builtins to,
// so that they answer from the simulated PATH instead of the host's.
const (
	lookupCommand = "\x00simulate:command"
	lookupType    = "\x00simulate:type"
)

// dpkgVersion is the dpkg the simulation models, exported to scripts as
// DPKG_RUNNING_VERSION.
const dpkgVersion = "1.21.22"

// scriptEnv is the environment dpkg gives a maintainer script: nothing from
// the host.
func (s *System) scriptEnv(pkg, script string) expand.Environ {
	pairs := []string{
		"PATH=" + scriptPath,
		"HOME=/root",
		"DPKG_MAINTSCRIPT_PACKAGE=" + pkg,
		"DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1",
		"DPKG_MAINTSCRIPT_NAME=" + script,
		"DPKG_MAINTSCRIPT_ARCH=" + s.Arch,
		"DPKG_RUNNING_VERSION=" + dpkgVersion,
		"DPKG_ADMINDIR=/var/lib/dpkg",
	}
	if s.Root != "" {
		pairs = append(pairs, "DPKG_ROOT="+s.Root)
	}
	return expand.ListEnviron(pairs...)
}

// RunScript executes the maintainer script src as script (preinst, postinst,
// prerm or postrm) of package pkg with the given arguments, in-process with
// the simulated file system and commands, and returns the step describing
// it. A script that does not parse as POSIX shell exits 2, as sh would. The
// returned error is for interpreter failures only; a script's non-zero exit
// is in Step.Exit.
func (s *System) RunScript(pkg, script, src string, args ...string) (Step, error) {
	step := Step{Kind: StepScript, Script: script, Args: append([]string{}, args...)}
	err := s.runScript(&step, pkg, src)
	return step, err
}

func (s *System) runScript(step *Step, pkg, src string) error {
	var out bytes.Buffer
	defer func() { step.Output = out.String() }()
	file, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(src), step.Script)
	if err != nil {
		fmt.Fprintf(&out, "%s: %v\n", step.Script, err)
		step.Exit = 2
		return nil
	}
	runner, err := interp.New(
		interp.Env(s.scriptEnv(pkg, step.Script)),
		interp.Dir("/"),
		interp.Params(append([]string{"--"}, step.Args...)...),
		interp.StdIO(nil, &out, &out),
		interp.CallHandler(rewriteLookups),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
			return func(ctx context.Context, args []string) error { return s.exec(ctx, step, args) }
		}),
		interp.OpenHandler(s.open),
		interp.StatHandler(s.stat),
		interp.AccessHandler(s.access),
		interp.ReadDirHandler2(s.readDir),
	)
	if err != nil {
		return fmt.Errorf("simulate: starting the interpreter: %w", err)
	}
	err = runner.Run(context.Background(), file)
	if err == nil {
		step.Exit = 0
		return nil
	}
	if code, ok := interp.IsExitStatus(err); ok {
		step.Exit = int(code)
		return nil
	}
	return fmt.Errorf("simulate: %s of %s: %w", step.Script, pkg, err)
}

// rewriteLookups sends "command -v/-V" and "type" to the exec handler, where
// they answer from the simulated PATH.
func rewriteLookups(_ context.Context, args []string) ([]string, error) {
	switch {
	case args[0] == "command" && len(args) > 1 && (args[1] == "-v" || args[1] == "-V"):
		return append([]string{lookupCommand}, args[1:]...), nil
	case args[0] == "type":
		return append([]string{lookupType}, args[1:]...), nil
	}
	return args, nil
}

// exec runs one external command of a script: a simulated tool, a direct
// init-script call, or an unknown command (exit 127).
func (s *System) exec(ctx context.Context, step *Step, args []string) error {
	hc := interp.HandlerCtx(ctx)
	switch args[0] {
	case lookupCommand:
		return exitErr(s.commandLookup(hc, args[1], args[2:]))
	case lookupType:
		return exitErr(s.typeLookup(hc, args[1:]))
	}
	cmd := Command{Argv: append([]string{}, args...)}
	c := &call{s: s, args: args[1:], name: path.Base(args[0]), env: hc.Env, dir: hc.Dir,
		stdout: hc.Stdout, stderr: hc.Stderr, cmd: &cmd}
	p, code := s.lookPath(hc.Env.Get("PATH").String(), hc.Dir, args[0])
	switch {
	case code == 127:
		fmt.Fprintf(hc.Stderr, "%s: 1: %s: not found\n", step.Script, args[0])
		cmd.Unknown = true
		cmd.Effects = append(cmd.Effects, "not found on the simulated PATH")
	case code == 126:
		fmt.Fprintf(hc.Stderr, "%s: 1: %s: Permission denied\n", step.Script, args[0])
	case s.tools[p] != "":
		code = tools[s.tools[p]](c)
	case strings.HasPrefix(p, s.rooted("/etc/init.d/")):
		code = s.initScript(c, path.Base(p), c.args)
	default:
		fmt.Fprintf(hc.Stderr, "%s: 1: %s: not simulated\n", step.Script, args[0])
		cmd.Unknown = true
		cmd.Effects = append(cmd.Effects, "no simulation for "+p)
		code = 127
	}
	cmd.Exit = code
	step.Commands = append(step.Commands, cmd)
	return exitErr(code)
}

func exitErr(code int) error {
	if code == 0 {
		return nil
	}
	return interp.NewExitStatus(uint8(code))
}

// lookPath finds name like the shell does: directly when it has a slash,
// else in PATH. It returns the resolved path and 0, or 127 (not found) or
// 126 (not executable).
func (s *System) lookPath(pathVar, dir, name string) (string, int) {
	var candidates []string
	if strings.Contains(name, "/") {
		if !strings.HasPrefix(name, "/") {
			name = path.Join(dir, name)
		}
		candidates = []string{name}
	} else {
		for _, d := range strings.Split(pathVar, ":") {
			if d == "" {
				d = dir
			}
			candidates = append(candidates, path.Join(d, name))
		}
	}
	code := 127
	for _, c := range candidates {
		n, err := s.FS.Stat(c)
		if err != nil || n.Kind != KindFile {
			continue
		}
		if n.Mode&0o111 == 0 {
			code = 126
			continue
		}
		r, _ := s.FS.resolve(c, true)
		return r, 0
	}
	return "", code
}

// commandLookup is "command -v" and "command -V" as dash does them, for
// builtins and the simulated PATH (not for shell functions).
func (s *System) commandLookup(hc interp.HandlerContext, flag string, names []string) int {
	code := 0
	for _, n := range names {
		if interp.IsBuiltin(n) || syntax.IsKeyword(n) {
			if flag == "-v" {
				fmt.Fprintln(hc.Stdout, n)
			} else {
				fmt.Fprintf(hc.Stdout, "%s is a shell builtin\n", n)
			}
			continue
		}
		if _, c := s.lookPath(hc.Env.Get("PATH").String(), hc.Dir, n); c == 0 {
			found := n
			if !strings.Contains(n, "/") {
				found = s.pathEntry(hc.Env.Get("PATH").String(), n)
			}
			if flag == "-v" {
				fmt.Fprintln(hc.Stdout, found)
			} else {
				fmt.Fprintf(hc.Stdout, "%s is %s\n", n, found)
			}
			continue
		}
		if flag == "-V" {
			fmt.Fprintf(hc.Stderr, "%s: not found\n", n)
		}
		code = 127
	}
	return code
}

// typeLookup is dash's "type".
func (s *System) typeLookup(hc interp.HandlerContext, names []string) int {
	code := 0
	for _, n := range names {
		switch {
		case syntax.IsKeyword(n):
			fmt.Fprintf(hc.Stdout, "%s is a shell keyword\n", n)
		case interp.IsBuiltin(n):
			fmt.Fprintf(hc.Stdout, "%s is a shell builtin\n", n)
		default:
			if _, c := s.lookPath(hc.Env.Get("PATH").String(), hc.Dir, n); c == 0 {
				found := n
				if !strings.Contains(n, "/") {
					found = s.pathEntry(hc.Env.Get("PATH").String(), n)
				}
				fmt.Fprintf(hc.Stdout, "%s is %s\n", n, found)
				continue
			}
			fmt.Fprintf(hc.Stdout, "%s: not found\n", n)
			code = 127
		}
	}
	return code
}

// pathEntry returns the first PATH candidate for name that is an executable
// file, unresolved (as the shell prints it).
func (s *System) pathEntry(pathVar, name string) string {
	for _, d := range strings.Split(pathVar, ":") {
		c := path.Join(d, name)
		if n, err := s.FS.Stat(c); err == nil && n.Kind == KindFile && n.Mode&0o111 != 0 {
			return c
		}
	}
	return ""
}

// open is the redirection handler: /dev/null and files of the simulated FS.
func (s *System) open(ctx context.Context, p string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if !strings.HasPrefix(p, "/") {
		p = path.Join(interp.HandlerCtx(ctx).Dir, p)
	}
	if clean(p) == "/dev/null" {
		return devNull{}, nil
	}
	pathErr := func(err error) error { return &os.PathError{Op: "open", Path: p, Err: err} }
	if flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		content, err := s.FS.ReadFile(p)
		if err != nil {
			return nil, pathErr(err)
		}
		return &memFile{Reader: strings.NewReader(content)}, nil
	}
	n, err := s.FS.Stat(p)
	switch {
	case err == nil && n.Kind == KindDir:
		return nil, pathErr(errIsDir)
	case err == nil:
		perm = n.Mode
	default:
		r, rerr := s.FS.resolve(p, true)
		if rerr != nil {
			return nil, pathErr(rerr)
		}
		if perr := s.FS.parentIsDir(r); perr != nil {
			return nil, pathErr(perr)
		}
	}
	var start string
	if err == nil && flag&os.O_APPEND != 0 {
		start = n.Content
	}
	w := &memFile{fs: s.FS, path: p, mode: perm}
	w.buf.WriteString(start)
	if err := s.FS.WriteFile(p, start, perm); err != nil {
		return nil, pathErr(err)
	}
	return w, nil
}

func (s *System) stat(_ context.Context, name string, follow bool) (fs.FileInfo, error) {
	n, err := s.FS.lookup(name, follow)
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	return fileInfo{name: path.Base(name), n: n}, nil
}

// access answers -r, -w and -x as for root: everything existing is readable
// and writable; -x needs an execute bit on files.
func (s *System) access(_ context.Context, name string, mode interp.AccessMode) error {
	n, err := s.FS.Stat(name)
	if err != nil {
		return &os.PathError{Op: "access", Path: name, Err: err}
	}
	if mode&interp.AccessExec != 0 && n.Kind != KindDir && n.Mode&0o111 == 0 {
		return &os.PathError{Op: "access", Path: name, Err: fs.ErrPermission}
	}
	return nil
}

func (s *System) readDir(_ context.Context, name string) ([]fs.DirEntry, error) {
	names, err := s.FS.ReadDir(name)
	if err != nil {
		return nil, &os.PathError{Op: "readdir", Path: name, Err: err}
	}
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		node, err := s.FS.Lstat(path.Join(name, n))
		if err != nil {
			continue
		}
		out = append(out, fs.FileInfoToDirEntry(fileInfo{name: n, n: node}))
	}
	return out, nil
}

// devNull reads as empty and discards writes.
type devNull struct{}

func (devNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (devNull) Write(b []byte) (int, error) { return len(b), nil }
func (devNull) Close() error                { return nil }

// memFile is an open file of the simulated FS: a reader, or a writer that
// stores every write back into the FS.
type memFile struct {
	*strings.Reader
	fs   *FS
	path string
	mode fs.FileMode
	buf  bytes.Buffer
}

func (m *memFile) Read(b []byte) (int, error) {
	if m.Reader == nil {
		return 0, io.EOF
	}
	return m.Reader.Read(b)
}

func (m *memFile) Write(b []byte) (int, error) {
	if m.fs == nil {
		return 0, &os.PathError{Op: "write", Path: m.path, Err: fs.ErrPermission}
	}
	m.buf.Write(b)
	if err := m.fs.WriteFile(m.path, m.buf.String(), m.mode); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (m *memFile) Close() error { return nil }
