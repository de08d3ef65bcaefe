package installinit

import (
	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Invocation is what one dh_installinit command line (from debian/rules) says about the
// daemon it installs, as teardown explain models it.
type Invocation struct {
	// Options select the packages (-p, -N, -a, -i): pass them to debhelper.SelectPackages.
	Options *debhelper.Options
	// Name is the init script it installs (--name), "" for the package's own
	// (debian/PKG.init, installed as PKG); Init the settings the command line gives it.
	Name string
	Init maintscript.InitOptions
	// NoScripts is -n: the command line adds no maintainer-script code.
	NoScripts bool
}

// ParseInvocation parses a dh_installinit command line (without the command name) as the
// drop-in does, without the environment. Problems are a *debhelper.UsageError.
func ParseInvocation(args []string) (*Invocation, error) {
	c, err := parseArgs(args, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	var params []string
	if c.noEnable {
		params = []string{"defaults-disabled"}
	}
	if len(splitWords(c.updateRcdParams)) > 0 {
		params = c.updateRcdParams
	}
	return &Invocation{
		Options:   c.Options,
		NoScripts: c.NoScripts,
		Name:      c.Name,
		Init: maintscript.InitOptions{
			UpdateRcdParams: params,
			NoStart:         c.noStart,
			OnUpgrade:       c.policy(),
			ErrorHandler:    c.ErrorHandler,
			Multiuser:       c.multiuser,
			MultiuserSince:  c.multiuserSince,
		},
	}, nil
}
