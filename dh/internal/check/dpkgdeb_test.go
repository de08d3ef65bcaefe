//go:build integration

package check

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
	"pault.ag/go/debian/deb"
)

// TestScenariosBuiltByDpkgDeb builds each scenario with dpkg-deb -b, once per compression
// dpkg-deb offers (gzip, xz, zstd, none), and requires the report of the golden files: the
// in-process reader reads what dpkg builds.
func TestScenariosBuiltByDpkgDeb(t *testing.T) {
	testenv.RequireCommand(t, "dpkg-deb")
	for _, comp := range []string{"gzip", "xz", "zstd", "none"} {
		t.Run(comp, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					dir := t.TempDir()
					build := func(tr tree) string {
						deb := filepath.Join(dir, tr.name+"_"+tr.version+"_all.deb")
						out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Z"+comp, "-b", layout(t, dir, tr), deb).CombinedOutput()
						require.NoError(t, err, "dpkg-deb -Z%s -b: %s", comp, out)
						return deb
					}
					old, new := build(sc.old), build(sc.new)
					d, closer, err := deb.LoadFile(new)
					require.NoError(t, err)
					assert.Equal(t, map[string]string{"gzip": ".tar.gz", "xz": ".tar.xz", "zstd": ".tar.zst", "none": ".tar"}[comp], "."+d.DataExt, "dpkg-deb used %s", comp)
					closer()
					r, err := Debs(old, new)
					require.NoError(t, err)
					text, js := render(t, r)
					for file, got := range map[string][]byte{sc.name + ".txt": text, sc.name + ".json": js} {
						want, err := os.ReadFile(filepath.Join("testdata", file))
						require.NoError(t, err)
						assert.Equal(t, string(want), string(bytes.ReplaceAll(got, []byte(dir+"/"), nil)), file)
					}
				})
			}
		})
	}
}
