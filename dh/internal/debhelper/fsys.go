package debhelper

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// treeFS makes the file system calls of one Commit on the tree below root, directly through
// package syscall (os.File costs several calls more per file: non-blocking mode and poller
// registration) and as few as the plan needs: it lists debian/ once and remembers which
// directories exist, so that a file below a directory known to be missing is neither read
// nor probed, and directories are created without looking first. Paths are plan paths
// (clean, slash-separated, relative to root). A treeFS is used by one goroutine.
type treeFS struct {
	root    string
	dirs    map[string]bool      // plan path of a directory: whether it exists; absent: not known yet
	mtimes  map[string]time.Time // modification times of directories seen
	debian  map[string]uint8     // entries of debian/ and their d_type, nil until listed
	fetched map[string]fetchResult
	umask   uint32
	counter int // for temporary file names
}

func newTreeFS(root string) *treeFS {
	return &treeFS{root: root, dirs: map[string]bool{".": true}, mtimes: map[string]time.Time{}}
}

// abs returns the file system path of a plan path.
func (t *treeFS) abs(name string) string {
	if name == "." {
		return t.root
	}
	return t.root + "/" + name
}

// listDebian reads the entries of debian/ once.
func (t *treeFS) listDebian() {
	if t.debian != nil {
		return
	}
	entries, mtime, err := readDirTypes(t.abs("debian"))
	if err != nil {
		// Not listable (absent, or not a directory): leave every question about it to the
		// calls that would have been made without the list.
		return
	}
	t.debian = entries
	t.dirs["debian"] = true
	t.mtimes["debian"] = mtime
}

// found records that the file name exists, and so its parent directories.
func (t *treeFS) found(name string) {
	for d := path.Dir(name); !t.dirs[d]; d = path.Dir(d) {
		t.dirs[d] = true
	}
}

// known reports what is known without a system call about whether the directory dir exists.
func (t *treeFS) known(dir string) (exists, ok bool) {
	if e, ok := t.dirs[dir]; ok {
		return e, true
	}
	parent := path.Dir(dir)
	if parent == "debian" && t.debian != nil {
		switch typ, listed := t.debian[path.Base(dir)]; {
		case !listed:
			t.dirs[dir] = false
			return false, true
		case typ == syscall.DT_DIR:
			t.dirs[dir] = true
			return true, true
		}
		return false, false // a symbolic link, a file (an error for the caller to find)…
	}
	if parent != dir {
		if e, ok := t.known(parent); ok && !e {
			t.dirs[dir] = false
			return false, true
		}
	}
	return false, false
}

// missing reports whether name is known not to exist without a system call: it is a
// direct entry of debian/ not listed there, or below a directory known to be missing.
func (t *treeFS) missing(name string) bool {
	dir := path.Dir(name)
	if dir == "debian" && t.debian != nil {
		_, listed := t.debian[path.Base(name)]
		return !listed
	}
	e, ok := t.known(dir)
	return ok && !e
}

// dirExists reports whether dir exists and is a directory (symbolic links followed); a
// file in its place is an error.
func (t *treeFS) dirExists(dir string) (bool, error) {
	if e, ok := t.known(dir); ok {
		return e, nil
	}
	var st syscall.Stat_t
	err := ignoringEINTR(func() error { return syscall.Stat(t.abs(dir), &st) })
	switch {
	case err == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR:
		t.found(dir + "/.")
		t.mtimes[dir] = time.Unix(st.Mtim.Unix())
		return true, nil
	case err == nil:
		return false, errors.New(dir + ": exists and is not a directory")
	case err == syscall.ENOENT:
		t.dirs[dir] = false
		return false, nil
	}
	return false, errors.New(describe(dir, err))
}

// fileRead is what read found.
type fileRead struct {
	data   []byte
	mode   os.FileMode // permission bits
	mtime  time.Time
	exists bool
}

// errNotRegular is read's error for a file that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// read returns the contents, permission bits and modification time of the regular file
// name (symbolic links followed), or exists false when there is none. Its errors are
// *fs.PathError with the plan path.
func (t *treeFS) read(name string) (fileRead, error) {
	if r, ok := t.fetched[name]; ok {
		return r.fileRead, r.err
	}
	if t.missing(name) {
		return fileRead{}, nil
	}
	f, err := t.readFile(name)
	if f.exists {
		t.found(name)
	}
	return f, err
}

// fetchResult is a read done ahead.
type fetchResult struct {
	fileRead
	err error
}

// prefetch reads the files names, several at a time, for read to return.
func (t *treeFS) prefetch(names []string) {
	var todo []string
	for _, name := range names {
		if _, ok := t.fetched[name]; !ok && !t.missing(name) {
			todo = append(todo, name)
		}
	}
	results := make([]fetchResult, len(todo))
	parallel(len(todo), func(i int) error {
		results[i].fileRead, results[i].err = t.readFile(todo[i])
		return nil
	})
	if t.fetched == nil {
		t.fetched = map[string]fetchResult{}
	}
	for i, name := range todo {
		t.fetched[name] = results[i]
		if results[i].exists {
			t.found(name)
		}
	}
}

// readFile is read without t's records: it may run on several goroutines at once.
func (t *treeFS) readFile(name string) (fileRead, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		// O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
		fd, err = syscall.Open(t.abs(name), syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		return err
	})
	if err == syscall.ENOENT {
		return fileRead{}, nil
	}
	if err != nil {
		return fileRead{}, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := ignoringEINTR(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		return fileRead{}, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fileRead{}, &fs.PathError{Op: "read", Path: name, Err: errNotRegular}
	}
	data := make([]byte, st.Size)
	for off := 0; off < len(data); {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = syscall.Read(fd, data[off:])
			return err
		})
		if err != nil {
			return fileRead{}, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			data = data[:off]
			break
		}
		off += n
	}
	return fileRead{
		data:   data,
		mode:   os.FileMode(st.Mode).Perm(),
		mtime:  time.Unix(st.Mtim.Unix()),
		exists: true,
	}, nil
}

// readUmask reads the process's umask, which file and directory creation apply.
func (t *treeFS) readUmask() {
	t.umask = uint32(syscall.Umask(0o022))
	syscall.Umask(int(t.umask))
}

// mkdir creates the directory dir with mode 0755; it reports whether it was created (false:
// it existed). It leaves t's records alone: it may run on several goroutines at once.
func (t *treeFS) mkdir(dir string) (bool, error) {
	err := ignoringEINTR(func() error { return syscall.Mkdir(t.abs(dir), 0o755) })
	switch {
	case err == syscall.EEXIST:
		return false, nil
	case err != nil:
		return false, &fs.PathError{Op: "mkdir", Path: t.abs(dir), Err: err}
	}
	if t.umask&0o755 != 0 {
		if err := ignoringEINTR(func() error { return syscall.Chmod(t.abs(dir), 0o755) }); err != nil {
			return true, &fs.PathError{Op: "chmod", Path: t.abs(dir), Err: err}
		}
	}
	return true, nil
}

// create writes data to the new file name (which must not exist) with permission bits mode
// and, unless mtime is zero, that modification time. If it fails after creating the file,
// it removes it.
func (t *treeFS) create(name string, data []byte, mode os.FileMode, mtime time.Time) error {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = syscall.Open(t.abs(name), syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, uint32(mode))
		return err
	})
	if err != nil {
		return &fs.PathError{Op: "open", Path: t.abs(name), Err: err}
	}
	err = writeAll(fd, data)
	if err == nil && uint32(mode)&t.umask != 0 {
		err = ignoringEINTR(func() error { return syscall.Fchmod(fd, uint32(mode)) })
	}
	if err == nil && !mtime.IsZero() {
		ts := syscall.NsecToTimespec(mtime.UnixNano())
		err = ignoringEINTR(func() error { return syscall.UtimesNano(t.abs(name), []syscall.Timespec{ts, ts}) })
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		t.remove(name)
		return &fs.PathError{Op: "write", Path: t.abs(name), Err: err}
	}
	return nil
}

// write is one file apply creates: the change's file itself, or a temporary file to rename
// over it.
type write struct {
	change
	name string // what to create
	done bool   // created
}

// writeAll creates the files of writes, several at a time when there are many, and marks
// those created. It returns the first error (in the order of writes).
func (t *treeFS) writeAll(writes []write) error {
	return parallel(len(writes), func(i int) error {
		w := &writes[i]
		if err := t.create(w.name, w.data, w.mode, w.mtime); err != nil {
			return fmt.Errorf("%s: %w", w.path, err)
		}
		w.done = true
		return nil
	})
}

// parallel calls f(i) for each i from 0 to n-1: on several goroutines (up to 4, at most
// GOMAXPROCS) when n is large enough for it to pay, in order on this one otherwise. After a
// call fails it starts no more; it returns the error of the lowest i that failed.
func parallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), 4, n/16)
	if workers <= 1 {
		for i := range n {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var (
		wg     sync.WaitGroup
		failed atomic.Bool
	)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n && !failed.Load(); i += workers {
				if errs[i] = f(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// pid names this process in temporary file names.
var pid = strconv.Itoa(os.Getpid())

// tempName returns a name for a temporary file next to name, not yet used by this treeFS.
func (t *treeFS) tempName(name string) string {
	t.counter++
	return path.Join(path.Dir(name), "."+path.Base(name)+"."+pid+"-"+strconv.Itoa(t.counter)+".tmp")
}

// rename renames the plan path from over the plan path to.
func (t *treeFS) rename(from, to string) error {
	if err := ignoringEINTR(func() error { return syscall.Rename(t.abs(from), t.abs(to)) }); err != nil {
		return &os.LinkError{Op: "rename", Old: t.abs(from), New: t.abs(to), Err: err}
	}
	return nil
}

// remove removes the file name; one that does not exist is not an error.
func (t *treeFS) remove(name string) error {
	err := ignoringEINTR(func() error { return syscall.Unlink(t.abs(name)) })
	if err != nil && err != syscall.ENOENT {
		return &fs.PathError{Op: "remove", Path: t.abs(name), Err: err}
	}
	return nil
}

// mtime returns the modification time of the existing directory dir as it was when first
// seen, ok false if it cannot be read.
func (t *treeFS) mtime(dir string) (time.Time, bool) {
	if mtime, ok := t.mtimes[dir]; ok {
		return mtime, true
	}
	var st syscall.Stat_t
	if err := ignoringEINTR(func() error { return syscall.Stat(t.abs(dir), &st) }); err != nil {
		return time.Time{}, false
	}
	t.mtimes[dir] = time.Unix(st.Mtim.Unix())
	return t.mtimes[dir], true
}

// setMtime sets the modification time of dir (and its access time to now).
func (t *treeFS) setMtime(dir string, mtime time.Time) {
	os.Chtimes(t.abs(dir), time.Time{}, mtime)
}

func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = syscall.Write(fd, data)
			return err
		})
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

// readDirTypes returns the names of the entries of the directory dir with their d_type,
// and its modification time.
func readDirTypes(dir string) (map[string]uint8, time.Time, error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, time.Time{}, err
	}
	mtime := time.Unix(st.Mtim.Unix())
	entries := map[string]uint8{}
	buf := make([]byte, 32<<10)
	for {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = syscall.ReadDirent(fd, buf)
			return err
		})
		if err != nil {
			return nil, time.Time{}, err
		}
		if n <= 0 {
			return entries, mtime, nil
		}
		// struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name (NUL-terminated).
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				return nil, time.Time{}, syscall.EINVAL
			}
			name := b[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			if s := string(name); s != "." && s != ".." {
				entries[s] = b[18]
			}
			b = b[reclen:]
		}
	}
}

// ReadFile is os.ReadFile for the regular file name (symbolic links followed) in fewer system
// calls (open, fstat, read, close): commands read a few files per package. Its errors are
// *fs.PathError, fs.ErrNotExist for a missing file.
func ReadFile(name string) ([]byte, error) {
	dir, base := filepath.Split(name)
	t := newTreeFS(filepath.Clean(dir))
	f, err := t.read(base)
	switch {
	case err != nil:
		err.(*fs.PathError).Path = name
		return nil, err
	case !f.exists:
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	return f.data, nil
}
