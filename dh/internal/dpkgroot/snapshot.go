package dpkgroot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// snapshotExclusions are the trees Snapshot ignores, as piuparts does: the
// kernel's and the root's own mounts (/proc, /sys, /dev, /run, /tmp), logs
// and caches that every dpkg run changes (/var/log, /var/cache), and dpkg's
// database (/var/lib/dpkg), whose state tests check with PackageStatus.
var snapshotExclusions = []string{
	"/dev", "/proc", "/run", "/sys", "/tmp",
	"/var/cache", "/var/lib/dpkg", "/var/log",
}

// Snapshot is the state of a root's file system at one moment, to compare
// with another snapshot of the same root (piuparts-style: did a purge leave
// exactly what was there before the install?). For every file it compares
// the type, permission bits (with setuid, setgid and sticky), owner and
// group, a regular file's size and SHA-256, a symbolic link's target and a
// device's number; not times. These trees are ignored: /dev, /proc, /run,
// /sys, /tmp (mounts of their own), /var/cache, /var/log (changed by every
// dpkg run) and /var/lib/dpkg (check the database with PackageStatus).
//
// Only what the root changed is recorded: the paths present in the
// overlay's upper layer (with the lower subtree of a deleted or replaced
// directory), each with its state in the merged view and in the unchanging
// lower layer. Any other path is the same in both snapshots by
// construction, as long as the host does not change it meanwhile. So a
// snapshot is cheap (it reads only what the root wrote) and Diff needs no
// open Root.
type Snapshot struct {
	merged map[string]fileState
	lower  map[string]fileState
}

// fileState is what Snapshot compares of one path.
type fileState struct {
	exists bool
	kind   string // "file", "directory", "symlink", "fifo", "socket", "char device", "block device"
	mode   os.FileMode
	uid    uint32
	gid    uint32
	size   int64  // regular files
	sha256 string // regular files
	target string // symbolic links
	rdev   uint64 // devices
}

// Snapshot records the current state of the root's file system.
func (r *Root) Snapshot() (Snapshot, error) {
	s := Snapshot{merged: map[string]fileState{}, lower: map[string]fileState{}}
	upper := r.hostFS + filepath.Join(r.mnt, "upper")
	lower := r.hostFS + filepath.Join(r.mnt, "lower")
	merged := r.hostFS + r.merged()

	record := func(p string) error {
		var err error
		if s.merged[p], err = readState(merged + p); err != nil {
			return err
		}
		s.lower[p], err = readState(lower + p)
		return err
	}
	err := filepath.WalkDir(upper, func(hostPath string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		p := "/" + strings.TrimPrefix(strings.TrimPrefix(hostPath, upper), "/")
		if excluded(p) {
			return skip(d)
		}
		if err := record(p); err != nil {
			return err
		}
		hides, err := hidesLower(hostPath, d)
		if err != nil || !hides {
			return err
		}
		// A whiteout or an opaque directory hides everything below p in
		// the lower layer: each of those paths may now differ.
		return filepath.WalkDir(lower+p, func(lowerPath string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			q := strings.TrimPrefix(lowerPath, lower)
			if excluded(q) {
				return skip(d)
			}
			if _, seen := s.merged[q]; seen {
				return nil
			}
			return record(q)
		})
	})
	if err != nil {
		return Snapshot{}, fmt.Errorf("dpkgroot: snapshot: %w", err)
	}
	return s, nil
}

// Diff lists how other differs from s, one line per path, sorted by path:
// "added PATH (KIND)", "removed PATH (KIND)" or "changed PATH: what, ...".
// It is empty when the two states are the same.
func (s Snapshot) Diff(other Snapshot) []string {
	paths := map[string]bool{}
	for p := range s.merged {
		paths[p] = true
	}
	for p := range other.merged {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)

	var diff []string
	for _, p := range sorted {
		a, b := s.at(p, other), other.at(p, s)
		switch {
		case !a.exists && !b.exists:
		case !a.exists:
			diff = append(diff, fmt.Sprintf("added %s (%s)", p, b.kind))
		case !b.exists:
			diff = append(diff, fmt.Sprintf("removed %s (%s)", p, a.kind))
		default:
			if changes := a.changes(b); len(changes) > 0 {
				diff = append(diff, fmt.Sprintf("changed %s: %s", p, strings.Join(changes, ", ")))
			}
		}
	}
	return diff
}

// at is the state of p when s was taken. A path s did not record was
// untouched then, so it was as in the lower layer, which other recorded.
func (s Snapshot) at(p string, other Snapshot) fileState {
	if st, ok := s.merged[p]; ok {
		return st
	}
	return other.lower[p]
}

// changes describes how b differs from a, both existing.
func (a fileState) changes(b fileState) []string {
	if a.kind != b.kind {
		return []string{fmt.Sprintf("%s -> %s", a.kind, b.kind)}
	}
	var c []string
	if a.mode != b.mode {
		c = append(c, fmt.Sprintf("mode %s -> %s", a.mode, b.mode))
	}
	if a.uid != b.uid || a.gid != b.gid {
		c = append(c, fmt.Sprintf("owner %d:%d -> %d:%d", a.uid, a.gid, b.uid, b.gid))
	}
	if a.size != b.size {
		c = append(c, fmt.Sprintf("size %d -> %d", a.size, b.size))
	}
	if a.sha256 != b.sha256 {
		c = append(c, fmt.Sprintf("content sha256 %.12s -> %.12s", a.sha256, b.sha256))
	}
	if a.target != b.target {
		c = append(c, fmt.Sprintf("target %q -> %q", a.target, b.target))
	}
	if a.rdev != b.rdev {
		c = append(c, fmt.Sprintf("device %#x -> %#x", a.rdev, b.rdev))
	}
	return c
}

// excluded reports whether p is in one of the snapshotExclusions trees.
func excluded(p string) bool {
	for _, x := range snapshotExclusions {
		if p == x || strings.HasPrefix(p, x+"/") {
			return true
		}
	}
	return false
}

// skip is what a WalkDir function returns to leave out d and what is below.
func skip(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// hidesLower reports whether the upper-layer entry at hostPath hides the
// lower layer's entries below the same path: a whiteout (a 0/0 character
// device) or an opaque directory.
func hidesLower(hostPath string, d fs.DirEntry) (bool, error) {
	switch {
	case d.Type()&fs.ModeCharDevice != 0:
		info, err := d.Info()
		if err != nil {
			return false, err
		}
		return info.Sys().(*syscall.Stat_t).Rdev == 0, nil
	case d.IsDir():
		buf := make([]byte, 1)
		n, err := syscall.Getxattr(hostPath, "trusted.overlay.opaque", buf)
		if err != nil {
			return false, nil
		}
		return n == 1 && buf[0] == 'y', nil
	}
	return false, nil
}

// readState reads the state of the file at hostPath without following a
// symbolic link; a missing file has the zero state.
func readState(hostPath string) (fileState, error) {
	info, err := os.Lstat(hostPath)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return fileState{}, nil
	}
	if err != nil {
		return fileState{}, err
	}
	sys := info.Sys().(*syscall.Stat_t)
	st := fileState{
		exists: true,
		mode:   info.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky),
		uid:    sys.Uid,
		gid:    sys.Gid,
	}
	switch t := info.Mode().Type(); {
	case t == 0:
		st.kind = "file"
		st.size = info.Size()
		if st.sha256, err = hashFile(hostPath); err != nil {
			return fileState{}, err
		}
	case t == os.ModeDir:
		st.kind = "directory"
	case t == os.ModeSymlink:
		st.kind = "symlink"
		if st.target, err = os.Readlink(hostPath); err != nil {
			return fileState{}, err
		}
	case t == os.ModeNamedPipe:
		st.kind = "fifo"
	case t == os.ModeSocket:
		st.kind = "socket"
	case t&os.ModeCharDevice != 0:
		st.kind = "char device"
		st.rdev = sys.Rdev
	default:
		st.kind = "block device"
		st.rdev = sys.Rdev
	}
	return st, nil
}

// hashFile returns the hex SHA-256 of the file's content.
func hashFile(hostPath string) (string, error) {
	f, err := os.Open(hostPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
