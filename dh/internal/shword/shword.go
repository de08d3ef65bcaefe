// Package shword gives the value of a shell word (an mvdan.cc/sh syntax tree) when it does
// not depend on run time, as the audit and teardown check need to read maintainer scripts
// and init scripts without running them.
package shword

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Value returns the value of w when it is made of literals, single and double quotes and
// parameter expansions that param resolves (param reports false for one it cannot); ok is
// false for anything else (command substitution, arithmetic, $'...', $"..."). A nil word
// is "".
func Value(w *syntax.Word, param func(*syntax.ParamExp) (string, bool)) (value string, ok bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	if !parts(&b, w.Parts, false, param) {
		return "", false
	}
	return b.String(), true
}

func parts(b *strings.Builder, ps []syntax.WordPart, quoted bool, param func(*syntax.ParamExp) (string, bool)) bool {
	for _, p := range ps {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(Unescape(p.Value, quoted))
		case *syntax.SglQuoted:
			if p.Dollar {
				return false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			if p.Dollar || !parts(b, p.Parts, true, param) {
				return false
			}
		case *syntax.ParamExp:
			v, ok := param(p)
			if !ok {
				return false
			}
			b.WriteString(v)
		default:
			return false
		}
	}
	return true
}

// Unescape removes the backslashes the shell removes from a literal: outside double quotes
// every one (a backslash-newline disappears with its newline), inside them only those before
// $ ` " \ and newline.
func Unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			next := s[i+1]
			if !quoted || strings.IndexByte("$`\"\\\n", next) >= 0 {
				if next != '\n' {
					b.WriteByte(next)
				}
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
