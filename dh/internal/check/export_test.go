package check

import "testing"

// Scenario returns the named test scenario's two versions written as .debs into dir, for the
// command's tests (package check_test).
func ScenarioDebs(t *testing.T, dir, name string) (old, new string) {
	t.Helper()
	for _, sc := range scenarios {
		if sc.name == name {
			return writeDeb(t, dir, sc.old), writeDeb(t, dir, sc.new)
		}
	}
	t.Fatalf("no scenario %q", name)
	return "", ""
}

// ScenarioNewTree lays out the named scenario's new version as a build stages it, in
// dir/debian/PKG with its DEBIAN directory, and returns the package name.
func ScenarioNewTree(t *testing.T, dir, name string) string {
	t.Helper()
	for _, sc := range scenarios {
		if sc.name == name {
			stageTree(t, dir, sc.new)
			return sc.new.name
		}
	}
	t.Fatalf("no scenario %q", name)
	return ""
}
