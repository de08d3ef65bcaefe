package deb822

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	text := "# comment\nSource: a\nBuild-Depends: x,\n y (>= 1),\n .\n\tz\n\n\nPackage: b\nno colon\n continued\n-Bad: 1\n"
	stanzas, problems := Parse([]byte(text), Limits{})
	assert.Equal(t, []Stanza{
		{Line: 2, Fields: []Field{{Name: "Source", Value: "a", Line: 2}, {Name: "Build-Depends", Value: "x,\ny (>= 1),\n\nz", Line: 3}}},
		{Line: 9, Fields: []Field{{Name: "Package", Value: "b\ncontinued", Line: 9}}},
	}, stanzas)
	assert.Equal(t, []Problem{{10, `expected "Field: value", found "no colon"`}, {12, `invalid field name "-Bad"`}}, problems)
	f, ok := stanzas[0].Get("build-depends")
	assert.True(t, ok)
	assert.Equal(t, 3, f.Line)
	_, ok = stanzas[0].Get("Package")
	assert.False(t, ok)
}

func TestParseLimits(t *testing.T) {
	long := "A: " + strings.Repeat("x", 100) + "\nB: b\n " + strings.Repeat("y", 60) + "\n " + strings.Repeat("y", 60) + "\n"
	stanzas, problems := Parse([]byte(long), Limits{})
	assert.Empty(t, problems, "zero limits bound nothing")
	assert.Len(t, stanzas[0].Fields, 2)
	stanzas, problems = Parse([]byte(long), Limits{Line: 80, Field: 100})
	assert.Equal(t, []Problem{{1, "line too long (103 bytes, at most 80)"}, {2, `field "B" too long (more than 100 bytes)`}}, problems)
	assert.Equal(t, []Field{{Name: "B", Value: "b\n" + strings.Repeat("y", 60), Line: 2}}, stanzas[0].Fields)
}

func TestParseRejectsInvalidUTF8(t *testing.T) {
	_, problems := Parse([]byte("A: \xff\n"), Limits{})
	assert.Equal(t, []Problem{{0, "not valid UTF-8"}}, problems)
}
