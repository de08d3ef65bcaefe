// Package templates holds every piece of shell that dh-teardown generates: the maintainer
// script snippets, one file per concern and script (as debhelper's autoscripts/ does), and the
// function map they are rendered with. Nothing else in the project writes shell.
//
// A snippet is named by its file without the ".tmpl" suffix, CONCERN.SCRIPT, for example
// "daemon-removed.preinst". It is executed with the data type documented next to it in
// data.go; a missing field or map key is an error, never an empty string.
//
// The function map is an allow-list: sprig's hermetic functions that the snippets use, plus
// [Quote] as "shquote". Templates have no access to the environment, files or time.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

//go:embed *.tmpl
var files embed.FS

// set is parsed once; every snippet is a template named by its file.
var set = template.Must(template.New("").
	Option("missingkey=error").
	Funcs(funcMap()).
	ParseFS(files, "*.tmpl"))

// sprigAllowed lists the sprig functions snippets call, and no other (TestFuncMapIsWhatTemplatesCall).
var sprigAllowed = []string{"join"}

func funcMap() template.FuncMap {
	hermetic := sprig.HermeticTxtFuncMap()
	m := template.FuncMap{"shquote": Quote, "shquoteAll": quoteAll}
	for _, name := range sprigAllowed {
		m[name] = hermetic[name]
	}
	return m
}

// Render executes the snippet name (for example "daemon-removed.postinst") with data and
// returns the shell code, which always ends in exactly one newline.
func Render(name string, data any) (string, error) {
	t := set.Lookup(name + ".tmpl")
	if t == nil {
		return "", fmt.Errorf("templates: no snippet %q", name)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	return strings.TrimRight(b.String(), "\n") + "\n", nil
}

// Names lists the snippets, sorted.
func Names() []string {
	entries, err := fs.Glob(files, "*.tmpl")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = strings.TrimSuffix(e, ".tmpl")
	}
	sort.Strings(names)
	return names
}
