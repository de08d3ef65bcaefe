package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

// buildSource writes src into dir/src and builds it with dpkg-buildpackage and the dh-teardown
// commands staged under stage (`make install DESTDIR=stage PREFIX=/usr`), as
// examples/hello/README.md builds from a checkout. It returns the .debs by package name.
func buildSource(stage, dir string, src trees.Source) (map[string]string, error) {
	if err := trees.Write(filepath.Join(dir, "src"), src); err != nil {
		return nil, err
	}
	debs, err := debbuild.Build(stage, filepath.Join(dir, "src"))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", src.Name, src.Version, err)
	}
	return debs, nil
}

// buildBigDeb builds dir/NAME_1.0_all.deb holding size bytes of random data in one file,
// uncompressed (random data does not compress; this keeps building it quick).
func buildBigDeb(dir, name string, size int64) (string, error) {
	staging := filepath.Join(dir, name)
	data := filepath.Join(staging, "usr/share", name, "data")
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(staging, "DEBIAN"), 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(data)
	if err != nil {
		return "", err
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	control := fmt.Sprintf("Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: dh-teardown developers <dh-teardown@lists.example.org>\n"+
		"Description: %d bytes of random data\n", name, size)
	if err := os.WriteFile(filepath.Join(staging, "DEBIAN/control"), []byte(control), 0o644); err != nil {
		return "", err
	}
	deb := filepath.Join(dir, name+"_1.0_all.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Znone", "--build", staging, deb).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb --build %s: %v\n%s", name, err, out)
	}
	return deb, os.RemoveAll(staging)
}
