package maintscript

import "github.com/dh-teardown/dh-teardown/internal/deb822"

// declarationLimits bound a declaration file's lines and fields: longer ones are rejected,
// not parsed.
var declarationLimits = deb822.Limits{Line: 4096, Field: 64 << 10}

// splitStanzas parses deb822 text with the module's one deb822 scanner, adding its syntax
// problems to diags against file.
func splitStanzas(file string, data []byte, diags *Diagnostics) []deb822.Stanza {
	stanzas, problems := deb822.Parse(data, declarationLimits)
	for _, p := range problems {
		diags.errorf(at{file: file, line: p.Line}, "%s", p.Message)
	}
	return stanzas
}

// truncate shortens s for quoting in a diagnostic.
func truncate(s string) string { return deb822.Truncate(s) }
