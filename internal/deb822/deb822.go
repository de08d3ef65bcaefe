// Package deb822 reads deb822 text — debian/control, the declaration files — keeping the
// line of every stanza and field, so that diagnostics can point at them (pault.ag/go/debian's
// reader keeps no positions). It is the one deb822 scanner of the module: the library's
// declaration parser and dh's reading of debian/control both use it.
package deb822

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Stanza is one deb822 paragraph.
type Stanza struct {
	Line   int // line of the first field
	Fields []Field
}

// Field is one "Name: value" field of a stanza.
type Field struct {
	Name string // as written
	// Value is the value trimmed of blanks, its continuation lines joined with "\n", each
	// trimmed of blanks, a continuation line "." standing for an empty line.
	Value string
	Line  int
}

// Get returns the first field named name (case-insensitively).
func (s Stanza) Get(name string) (Field, bool) {
	for _, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Problem is a syntax error at a line of the text (0: the text as a whole).
type Problem struct {
	Line    int
	Message string
}

// Limits bound what Parse reads: a longer line, or a field of more bytes of continuation
// lines, is reported as a problem and not parsed. Zero means no bound.
type Limits struct {
	Line  int
	Field int
}

// Parse reads deb822 text: stanzas separated by blank lines, "Name: value" fields,
// continuation lines starting with a space or tab, "#" comment lines. It goes on after a
// problem, to report them all.
func Parse(data []byte, limits Limits) ([]Stanza, []Problem) {
	text := string(data)
	if !utf8.ValidString(text) {
		return nil, []Problem{{0, "not valid UTF-8"}}
	}
	var (
		stanzas  []Stanza
		problems []Problem
		cur      *Stanza
		size     int  // bytes read for the current field, to bound it
		long     bool // the current field is over limits.Field: reported, no longer read
	)
	problem := func(line int, format string, args ...any) {
		problems = append(problems, Problem{line, fmt.Sprintf(format, args...)})
	}
	lines := strings.Split(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSuffix(raw, "\r")
		switch {
		case limits.Line > 0 && len(line) > limits.Line:
			problem(n, "line too long (%d bytes, at most %d)", len(line), limits.Line)
			continue
		case strings.ContainsRune(line, 0):
			problem(n, "NUL byte in line")
			continue
		case strings.TrimSpace(line) == "":
			cur = nil
			continue
		case strings.HasPrefix(line, "#"):
			continue
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil || len(cur.Fields) == 0 {
				problem(n, "continuation line outside a field")
				continue
			}
			f := &cur.Fields[len(cur.Fields)-1]
			size += len(line)
			switch {
			case long:
			case limits.Field > 0 && size > limits.Field:
				long = true
				problem(f.Line, "field %q too long (more than %d bytes)", Truncate(f.Name), limits.Field)
			default:
				cont := strings.TrimSpace(line)
				if cont == "." {
					cont = ""
				}
				f.Value += "\n" + cont
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			problem(n, "expected \"Field: value\", found %q", Truncate(line))
			continue
		}
		name = strings.TrimSpace(name)
		if !isFieldName(name) {
			problem(n, "invalid field name %q", Truncate(name))
			continue
		}
		if cur == nil {
			stanzas = append(stanzas, Stanza{Line: n})
			cur = &stanzas[len(stanzas)-1]
		}
		cur.Fields = append(cur.Fields, Field{Name: name, Value: strings.TrimSpace(value), Line: n})
		size, long = 0, false
	}
	return stanzas, problems
}

// isFieldName reports whether s is a deb822 field name: printable ASCII without ":" or
// blanks, not starting with "#" or "-".
func isFieldName(s string) bool {
	if s == "" || s[0] == '#' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || s[i] == ':' {
			return false
		}
	}
	return true
}

// Truncate shortens s for quoting in a diagnostic.
func Truncate(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
