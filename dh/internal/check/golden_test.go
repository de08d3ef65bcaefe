package check

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(file, got, 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs (go test -update rewrites it; read the diff)", file)
}

// render writes the report in both formats.
func render(t *testing.T, r *Report) (text, js []byte) {
	t.Helper()
	var tb, jb bytes.Buffer
	require.NoError(t, r.WriteText(&tb))
	require.NoError(t, r.WriteJSON(&jb))
	return tb.Bytes(), jb.Bytes()
}

// TestScenarios builds each scenario's two versions as .debs (written in Go, gzip members),
// checks them and compares the report, in both formats, with its golden files.
func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := Debs(writeDeb(t, dir, sc.old), writeDeb(t, dir, sc.new))
			require.NoError(t, err)
			assert.Equal(t, sc.handled, r.Handled())
			text, js := render(t, r)
			golden(t, sc.name+".txt", text)
			golden(t, sc.name+".json", js)
		})
	}
}
