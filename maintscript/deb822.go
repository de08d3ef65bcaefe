package maintscript

import (
	"strings"
	"unicode/utf8"
)

// stanza is one deb822 paragraph with the line of every field, as the declaration files need
// for positioned diagnostics (pault.ag/go/debian's reader keeps no positions).
type stanza struct {
	line   int // line of the first field
	fields []field
}

type field struct {
	name  string // as written
	value string // continuation lines joined with "\n", each trimmed of blanks
	line  int
	size  int  // bytes read for the field, to bound it
	long  bool // over maxField: reported, no longer read
}

// get returns the first field named name (case-insensitively).
func (s stanza) get(name string) (field, bool) {
	for _, f := range s.fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// maxLine bounds a line's length and maxValue a field's; longer ones are rejected, not parsed.
const (
	maxLine  = 4096
	maxField = 64 << 10
)

// splitStanzas parses deb822 text: stanzas separated by blank lines, "Name: value" fields,
// continuation lines starting with a space or tab, "#" comment lines. Syntax problems are
// added to diags against file; parsing goes on to find them all.
func splitStanzas(file string, data []byte, diags *Diagnostics) []stanza {
	text := string(data)
	if !utf8.ValidString(text) {
		diags.errorf(at{file: file, line: 0}, "not valid UTF-8")
		return nil
	}
	var (
		stanzas []stanza
		cur     *stanza
	)
	lines := strings.Split(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSuffix(raw, "\r")
		switch {
		case len(line) > maxLine:
			diags.errorf(at{file: file, line: n}, "line too long (%d bytes, at most %d)", len(line), maxLine)
			continue
		case strings.ContainsRune(line, 0):
			diags.errorf(at{file: file, line: n}, "NUL byte in line")
			continue
		case strings.TrimSpace(line) == "":
			cur = nil
			continue
		case strings.HasPrefix(line, "#"):
			continue
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil || len(cur.fields) == 0 {
				diags.errorf(at{file: file, line: n}, "continuation line outside a field")
				continue
			}
			f := &cur.fields[len(cur.fields)-1]
			f.size += len(line)
			switch {
			case f.long:
			case f.size > maxField:
				f.long = true
				diags.errorf(at{file: file, line: f.line}, "field %q too long (more than %d bytes)", truncate(f.name), maxField)
			default:
				cont := strings.TrimSpace(line)
				if cont == "." {
					cont = ""
				}
				f.value += "\n" + cont
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			diags.errorf(at{file: file, line: n}, "expected \"Field: value\", found %q", truncate(line))
			continue
		}
		name = strings.TrimSpace(name)
		if !isFieldName(name) {
			diags.errorf(at{file: file, line: n}, "invalid field name %q", truncate(name))
			continue
		}
		if cur == nil {
			stanzas = append(stanzas, stanza{line: n})
			cur = &stanzas[len(stanzas)-1]
		}
		cur.fields = append(cur.fields, field{name: name, value: strings.TrimSpace(value), line: n})
	}
	return stanzas
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

// truncate shortens s for quoting in a diagnostic.
func truncate(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
