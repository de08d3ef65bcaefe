package check

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/golden"
)

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
			golden.Check(t, sc.name+".txt", text)
			golden.Check(t, sc.name+".json", js)
		})
	}
}
