package check

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tree is one version of a binary package as the tests describe it: its files, conffiles
// and maintainer scripts. It is written as a .deb by writeDeb (in Go: hermetic) or laid out
// for dpkg-deb -b by layout.
type tree struct {
	name, version string
	// files maps absolute paths to contents; a value "->TARGET" makes a symbolic link.
	files     map[string]string
	conffiles []string
	scripts   map[string]string
}

func (tr tree) control() string {
	return fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: dh-teardown tests <tests@example.org>\nDescription: test package\n a package the check's tests build\n", tr.name, tr.version)
}

func (tr tree) conffileText() string {
	if len(tr.conffiles) == 0 {
		return ""
	}
	return strings.Join(tr.conffiles, "\n") + "\n"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tarGz writes a gzip-compressed tar of entries (name → content, "->T" a symlink); names
// ending in "/" are directories; mode is that of regular files unless exec names them.
func tarGz(t *testing.T, entries map[string]string, exec map[string]bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range sortedKeys(entries) {
		content := entries[name]
		h := &tar.Header{Name: name, Mode: 0o644, Uname: "root", Gname: "root"}
		switch {
		case strings.HasSuffix(name, "/"):
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case strings.HasPrefix(content, "->"):
			h.Typeflag, h.Linkname = tar.TypeSymlink, strings.TrimPrefix(content, "->")
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(content))
			if exec[name] {
				h.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(content)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// arArchive writes members in order as a deb-style ar archive.
func arArchive(members [][2]string) []byte {
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m[0], 0, 0, 0, "100644", len(m[1]))
		b.WriteString(m[1])
		if len(m[1])%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// writeDeb writes tr as a .deb (gzip members) into dir, in Go, and returns its path.
func writeDeb(t *testing.T, dir string, tr tree) string {
	t.Helper()
	ctl := map[string]string{"./": "", "./control": tr.control()}
	exec := map[string]bool{}
	if c := tr.conffileText(); c != "" {
		ctl["./conffiles"] = c
	}
	for name, s := range tr.scripts {
		ctl["./"+name] = s
		exec["./"+name] = true
	}
	data := map[string]string{"./": ""}
	for p, c := range tr.files {
		data["."+p] = c
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			data["."+d+"/"] = ""
		}
	}
	deb := arArchive([][2]string{
		{"debian-binary", "2.0\n"},
		{"control.tar.gz", string(tarGz(t, ctl, exec))},
		{"data.tar.gz", string(tarGz(t, data, nil))},
	})
	file := filepath.Join(dir, fmt.Sprintf("%s_%s_all.deb", tr.name, tr.version))
	if err := os.WriteFile(file, deb, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// layout writes tr as a directory tree for dpkg-deb -b (DEBIAN/ and the files) and returns it.
func layout(t *testing.T, dir string, tr tree) string {
	t.Helper()
	root := filepath.Join(dir, tr.name+"-"+tr.version)
	write := func(p, content string, mode os.FileMode) {
		file := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(content, "->") {
			if err := os.Symlink(strings.TrimPrefix(content, "->"), file); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err := os.WriteFile(file, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("DEBIAN/control", tr.control(), 0o644)
	if c := tr.conffileText(); c != "" {
		write("DEBIAN/conffiles", c, 0o644)
	}
	for name, s := range tr.scripts {
		write("DEBIAN/"+name, s, 0o755)
	}
	for p, c := range tr.files {
		write(p, c, 0o644)
	}
	return root
}

// stageTree lays tr out as a build leaves it: dir/debian/NAME with DEBIAN/.
func stageTree(t *testing.T, dir string, tr tree) {
	t.Helper()
	root := layout(t, t.TempDir(), tr)
	if err := os.MkdirAll(filepath.Join(dir, "debian"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(root, filepath.Join(dir, "debian", tr.name)); err != nil {
		t.Fatal(err)
	}
}
