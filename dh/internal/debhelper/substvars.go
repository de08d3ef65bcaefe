package debhelper

import (
	"slices"
	"sort"
	"strings"
)

// substvarsFile is where dpkg-gencontrol reads a package's substvars.
func substvarsFile(pkg string) string { return "debian/" + pkg + ".substvars" }

// addSubstvar adds value to the substvar name in the contents of a
// substvars file, as Dh_Lib's addsubstvar does: every "NAME=" (or "NAME?=")
// line gets value added to its ", "-separated items, which are then sorted
// and made unique, unless value is already one of them (then the line is
// left as it is); without such a line "NAME=VALUE" is appended. changed is
// false when the result has the same lines as data.
func addSubstvar(data, name, value string) (result string, changed bool) {
	var lines []string
	if data != "" {
		lines = strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	}
	present := false
	for i, line := range lines {
		rest, ok := strings.CutPrefix(line, name)
		if !ok {
			continue
		}
		assign := ""
		switch {
		case strings.HasPrefix(rest, "?="):
			assign = "?="
		case strings.HasPrefix(rest, "="):
			assign = "="
		default:
			continue
		}
		present = true
		items := perlSplit(rest[len(assign):], ", ")
		if len(items) > 0 && slices.Contains(items, value) {
			continue
		}
		set := map[string]bool{value: true}
		for _, it := range items {
			set[it] = true
		}
		var sorted []string
		for it := range set {
			sorted = append(sorted, it)
		}
		sort.Strings(sorted)
		lines[i] = name + assign + strings.Join(sorted, ", ")
		changed = true
	}
	if !present {
		lines = append(lines, name+"="+value)
		changed = true
	}
	if !changed {
		return data, false
	}
	return strings.Join(lines, "\n") + "\n", true
}

// perlSplit splits s at sep like Perl's split: no fields for an empty
// string, and trailing empty fields dropped.
func perlSplit(s, sep string) []string {
	f := strings.Split(s, sep)
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f
}
