package simulate

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Kind is the type of a node in the simulated file system.
type Kind string

// The node kinds of the simulated file system.
const (
	KindFile    Kind = "file"
	KindDir     Kind = "dir"
	KindSymlink Kind = "symlink"
)

// Node is one entry of the simulated file system. Mode holds only the
// permission bits; the type is Kind.
type Node struct {
	Kind    Kind        `json:"kind"`
	Mode    fs.FileMode `json:"mode"`
	Content string      `json:"content,omitempty"`
	Target  string      `json:"target,omitempty"` // symlinks only
}

// FS is an in-memory file system tree keyed by clean absolute path. It never
// touches the host. The root directory always exists.
type FS struct {
	nodes map[string]*Node
}

// NewFS returns a file system holding only the root directory.
func NewFS() *FS {
	return &FS{nodes: map[string]*Node{"/": {Kind: KindDir, Mode: 0o755}}}
}

// errors returned by FS operations, matching the errno a real call reports.
var (
	errNotExist = fs.ErrNotExist
	errExist    = fs.ErrExist
	errNotDir   = errors.New("not a directory")
	errIsDir    = errors.New("is a directory")
	errNotEmpty = errors.New("directory not empty")
	errLoop     = errors.New("too many levels of symbolic links")
)

// clean makes p absolute and clean; relative paths are taken relative to /.
func clean(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return path.Clean(p)
}

// resolve follows symbolic links in every component of p (and in the last one
// only when followLast is set) and returns the resulting path, which may not
// exist; it fails when a parent is missing or not a directory.
func (f *FS) resolve(p string, followLast bool) (string, error) {
	p = clean(p)
	for hops := 0; hops < 40; hops++ {
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		cur := "/"
		restarted := false
		for i, part := range parts {
			if part == "" {
				continue
			}
			next := path.Join(cur, part)
			n := f.nodes[next]
			last := i == len(parts)-1
			if n == nil {
				if !last {
					return "", errNotExist
				}
				return next, nil
			}
			if n.Kind == KindSymlink && (!last || followLast) {
				target := n.Target
				if !strings.HasPrefix(target, "/") {
					target = path.Join(cur, target)
				}
				p = clean(path.Join(append([]string{target}, parts[i+1:]...)...))
				restarted = true
				break
			}
			if !last && n.Kind != KindDir {
				return "", errNotDir
			}
			cur = next
		}
		if !restarted {
			return cur, nil
		}
	}
	return "", errLoop
}

// Stat returns the node at p, following symbolic links.
func (f *FS) Stat(p string) (*Node, error) { return f.lookup(p, true) }

// Lstat returns the node at p without following a final symbolic link.
func (f *FS) Lstat(p string) (*Node, error) { return f.lookup(p, false) }

func (f *FS) lookup(p string, follow bool) (*Node, error) {
	r, err := f.resolve(p, follow)
	if err != nil {
		return nil, err
	}
	n := f.nodes[r]
	if n == nil {
		return nil, errNotExist
	}
	return n, nil
}

// Exists reports whether p exists, following symbolic links (test -e).
func (f *FS) Exists(p string) bool {
	_, err := f.Stat(p)
	return err == nil
}

// ReadFile returns the content of the regular file at p.
func (f *FS) ReadFile(p string) (string, error) {
	n, err := f.Stat(p)
	if err != nil {
		return "", err
	}
	if n.Kind == KindDir {
		return "", errIsDir
	}
	return n.Content, nil
}

// MkdirAll creates p and its missing parents with mode 0755.
func (f *FS) MkdirAll(p string) error {
	cur := "/"
	for _, part := range strings.Split(strings.TrimPrefix(clean(p), "/"), "/") {
		if part == "" {
			continue
		}
		cur = path.Join(cur, part)
		r, err := f.resolve(cur, true)
		if err != nil {
			return err
		}
		n := f.nodes[r]
		if n == nil {
			f.nodes[r] = &Node{Kind: KindDir, Mode: 0o755}
			continue
		}
		if n.Kind != KindDir {
			return errNotDir
		}
	}
	return nil
}

// Mkdir creates the single directory p; its parent must exist.
func (f *FS) Mkdir(p string, mode fs.FileMode) error {
	return f.create(p, &Node{Kind: KindDir, Mode: mode.Perm()})
}

// create adds n at p, which must not exist, in an existing directory.
func (f *FS) create(p string, n *Node) error {
	r, err := f.resolve(p, false)
	if err != nil {
		return err
	}
	if f.nodes[r] != nil {
		return errExist
	}
	if err := f.parentIsDir(r); err != nil {
		return err
	}
	f.nodes[r] = n
	return nil
}

func (f *FS) parentIsDir(r string) error {
	parent := f.nodes[path.Dir(r)]
	if parent == nil {
		return errNotExist
	}
	if parent.Kind != KindDir {
		return errNotDir
	}
	return nil
}

// WriteFile creates or replaces the regular file at p (following a symbolic
// link at p), creating missing parent directories.
func (f *FS) WriteFile(p, content string, mode fs.FileMode) error {
	if err := f.MkdirAll(path.Dir(clean(p))); err != nil {
		return err
	}
	r, err := f.resolve(p, true)
	if err != nil {
		return err
	}
	if n := f.nodes[r]; n != nil && n.Kind == KindDir {
		return errIsDir
	}
	f.nodes[r] = &Node{Kind: KindFile, Mode: mode.Perm(), Content: content}
	return nil
}

// Symlink creates a symbolic link at p pointing to target; p's parent must
// exist and p must not.
func (f *FS) Symlink(target, p string) error {
	return f.create(p, &Node{Kind: KindSymlink, Mode: 0o777, Target: target})
}

// Remove deletes p (not following a final symbolic link). A directory must be
// empty.
func (f *FS) Remove(p string) error {
	r, err := f.resolve(p, false)
	if err != nil {
		return err
	}
	n := f.nodes[r]
	if n == nil {
		return errNotExist
	}
	if r == "/" {
		return errIsDir
	}
	if n.Kind == KindDir && len(f.children(r)) > 0 {
		return errNotEmpty
	}
	delete(f.nodes, r)
	return nil
}

// RemoveAll deletes p and everything below it; a missing p is not an error.
func (f *FS) RemoveAll(p string) error {
	r, err := f.resolve(p, false)
	if err != nil {
		return nil
	}
	if r == "/" {
		return errIsDir
	}
	prefix := r + "/"
	for k := range f.nodes {
		if k == r || strings.HasPrefix(k, prefix) {
			delete(f.nodes, k)
		}
	}
	return nil
}

// Rename moves the node at from (not following a final link) to to,
// replacing a non-directory at to, like rename(2).
func (f *FS) Rename(from, to string) error {
	rf, err := f.resolve(from, false)
	if err != nil {
		return err
	}
	n := f.nodes[rf]
	if n == nil {
		return errNotExist
	}
	rt, err := f.resolve(to, false)
	if err != nil {
		return err
	}
	if rf == rt {
		return nil
	}
	if err := f.parentIsDir(rt); err != nil {
		return err
	}
	if old := f.nodes[rt]; old != nil && old.Kind == KindDir {
		if n.Kind != KindDir {
			return errIsDir
		}
		if len(f.children(rt)) > 0 {
			return errNotEmpty
		}
	}
	moved := map[string]*Node{}
	prefix := rf + "/"
	for k, v := range f.nodes {
		if k == rf {
			moved[rt] = v
		} else if strings.HasPrefix(k, prefix) {
			moved[rt+"/"+strings.TrimPrefix(k, prefix)] = v
		}
	}
	for k := range f.nodes {
		if k == rf || strings.HasPrefix(k, prefix) {
			delete(f.nodes, k)
		}
	}
	for k, v := range moved {
		f.nodes[k] = v
	}
	return nil
}

// Chmod sets the permission bits of the node at p, following links.
func (f *FS) Chmod(p string, mode fs.FileMode) error {
	n, err := f.Stat(p)
	if err != nil {
		return err
	}
	n.Mode = mode.Perm()
	return nil
}

// children returns the sorted names of the entries directly below dir, a
// resolved directory path.
func (f *FS) children(dir string) []string {
	prefix := dir + "/"
	if dir == "/" {
		prefix = "/"
	}
	var names []string
	for k := range f.nodes {
		if k != "/" && strings.HasPrefix(k, prefix) && !strings.Contains(k[len(prefix):], "/") {
			names = append(names, k[len(prefix):])
		}
	}
	sort.Strings(names)
	return names
}

// ReadDir lists the names in directory p, sorted.
func (f *FS) ReadDir(p string) ([]string, error) {
	r, err := f.resolve(p, true)
	if err != nil {
		return nil, err
	}
	n := f.nodes[r]
	if n == nil {
		return nil, errNotExist
	}
	if n.Kind != KindDir {
		return nil, errNotDir
	}
	return f.children(r), nil
}

// Glob returns the sorted paths matching pattern (path.Match syntax in each
// component), like the shell's pathname expansion.
func (f *FS) Glob(pattern string) []string {
	var out []string
	for k := range f.nodes {
		if ok, _ := path.Match(clean(pattern), k); ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Paths returns every path in the file system, sorted.
func (f *FS) Paths() []string {
	out := make([]string, 0, len(f.nodes))
	for k := range f.nodes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clone returns a deep copy of the node at exactly r (no resolution), or nil.
func (f *FS) clone(r string) *Node {
	n := f.nodes[r]
	if n == nil {
		return nil
	}
	c := *n
	return &c
}

// put stores a copy of n at exactly r, or deletes r when n is nil.
func (f *FS) put(r string, n *Node) {
	if n == nil {
		delete(f.nodes, r)
		return
	}
	c := *n
	f.nodes[r] = &c
}

// fileInfo adapts a node to fs.FileInfo for the interpreter.
type fileInfo struct {
	name string
	n    *Node
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return int64(len(i.n.Content)) }
func (i fileInfo) Mode() fs.FileMode {
	switch i.n.Kind {
	case KindDir:
		return fs.ModeDir | i.n.Mode
	case KindSymlink:
		return fs.ModeSymlink | i.n.Mode
	}
	return i.n.Mode
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.n.Kind == KindDir }
func (i fileInfo) Sys() any           { return nil }
