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
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

//go:embed *.tmpl
var files embed.FS

// A family is the snippets whose names share the part before the first dot ("init" for
// init.postinst and init.tmpfiles.postinst, "daemon-removed"). A family's files are parsed
// together, on its first Render, so that a run parses only the snippets it renders (parsing
// all of them cost each run ~0.3 ms, a tenth of a one-package dh_teardown); the partials a
// snippet calls ({{ template "..." }}) are therefore defined in files of its own family
// (TestPartialsStayInTheirFamily).
type family struct {
	once sync.Once
	set  *template.Template // nil: no snippet of that family
	err  error
}

var families sync.Map // family name -> *family

// parsed returns the parsed snippets of the family fam, nil when it has none.
func parsed(fam string) (*template.Template, error) {
	v, _ := families.LoadOrStore(fam, &family{})
	f := v.(*family)
	f.once.Do(func() {
		names, err := fs.Glob(files, fam+".*.tmpl")
		if err != nil || len(names) == 0 {
			return
		}
		f.set, f.err = template.New("").Option("missingkey=error").Funcs(funcs()).ParseFS(files, names...)
	})
	return f.set, f.err
}

// sprigAllowed lists the sprig functions snippets call, and no other (TestFuncMapIsWhatTemplatesCall).
var sprigAllowed = []string{"join"}

// funcs is the function map, made once: sprig's map of a few hundred functions is built to
// take the allowed ones from.
var funcs = sync.OnceValue(funcMap)

func funcMap() template.FuncMap {
	hermetic := sprig.HermeticTxtFuncMap()
	m := template.FuncMap{"shquote": Quote, "shquoteAll": quoteAll}
	for _, name := range sprigAllowed {
		m[name] = hermetic[name]
	}
	return m
}

// buffers are reused for executing snippets: growing a fresh buffer for each cost more
// allocation than the result.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render executes the snippet name (for example "daemon-removed.postinst") with data and
// returns the shell code, which always ends in exactly one newline.
func Render(name string, data any) (string, error) {
	fam, _, _ := strings.Cut(name, ".")
	set, err := parsed(fam)
	if err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	var t *template.Template
	if set != nil {
		t = set.Lookup(name + ".tmpl")
	}
	if t == nil {
		return "", fmt.Errorf("templates: no snippet %q", name)
	}
	b := buffers.Get().(*bytes.Buffer)
	defer func() {
		b.Reset()
		buffers.Put(b)
	}()
	if err := t.Execute(b, data); err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	return string(bytes.TrimRight(b.Bytes(), "\n")) + "\n", nil
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
