package installinit

import (
	"fmt"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// config is the command line: debhelper's common options and dh_installinit's own, as
// debhelper 13.11.4 parses them, plus the extensions.
type config struct {
	*debhelper.Options

	noStopOnUpgrade     bool  // -r, --no-stop-on-upgrade, --no-restart-on-upgrade
	deprecatedNoRestart bool  // --no-restart-on-upgrade was given
	restartAfterUpgrade *bool // -R, --restart-after-upgrade; false with --no-restart-after-upgrade
	noStart             bool  // --no-start
	noEnable            bool  // --no-enable
	removeD             bool  // -d, --remove-d
	initScript          string
	// updateRcdParams are debhelper's U_PARAMS: the words of the last -u or
	// --update-rcd-params, then the arguments after "--".
	updateRcdParams []string

	multiuser      bool
	multiuserSince string
	onUpgrade      maintscript.OnUpgrade
}

// parseArgs parses the command line and the environment; problems are a
// *debhelper.UsageError.
func parseArgs(args []string, env func(string) string) (*config, error) {
	c := &config{}
	var u string
	var uSet bool
	var problems []string
	on := func(p *bool) func(bool) { return func(v bool) { *p = v } }
	flags := []debhelper.Flag{
		{Names: []string{"r", "no-stop-on-upgrade"}, Bool: on(&c.noStopOnUpgrade)},
		{Names: []string{"no-restart-on-upgrade"}, Bool: func(bool) { c.noStopOnUpgrade, c.deprecatedNoRestart = true, true }},
		{Names: []string{"no-start"}, Bool: on(&c.noStart)},
		{Names: []string{"R", "restart-after-upgrade"}, Negatable: true, Bool: func(v bool) { c.restartAfterUpgrade = &v }},
		{Names: []string{"init-script"}, Value: func(a string) error { c.initScript = a; return nil }},
		{Names: []string{"u", "update-rcd-params"}, Value: func(a string) error { u, uSet = a, true; return nil }},
		{Names: []string{"remove-d"}, Bool: on(&c.removeD)},
		{Names: []string{"no-enable"}, Bool: on(&c.noEnable)},
		{Names: []string{"multiuser-since"}, Value: func(a string) error {
			if err := maintscript.CheckVersion(a); err != nil {
				return fmt.Errorf("%q: %v", a, err)
			}
			c.multiuserSince = a
			return nil
		}},
		{Names: []string{"on-upgrade"}, Value: func(a string) error {
			p, err := maintscript.ParseOnUpgrade(a)
			if err != nil {
				return err
			}
			if c.onUpgrade != "" && c.onUpgrade != p {
				return fmt.Errorf("given twice, as %s and %s", c.onUpgrade, p)
			}
			c.onUpgrade = p
			return nil
		}},
	}
	opts, err := debhelper.ParseOptions(args, env, flags)
	if err != nil {
		return nil, err
	}
	c.Options = opts
	c.removeD = c.removeD || opts.DFlag
	if uSet {
		c.updateRcdParams = strings.Fields(u)
	}
	c.updateRcdParams = append(c.updateRcdParams, opts.Rest...)

	for _, a := range opts.Args {
		if a == "multiuser" {
			c.multiuser = true
			continue
		}
		problems = append(problems, fmt.Sprintf("unexpected argument %q: the only keyword is multiuser; update-rc.d parameters go after \"--\"", a))
	}
	if c.multiuserSince != "" && !c.multiuser {
		problems = append(problems, "--multiuser-since is only valid with the keyword multiuser")
	}
	if c.onUpgrade != "" {
		switch {
		case c.noStart:
			problems = append(problems, fmt.Sprintf("--on-upgrade=%s contradicts --no-start, which never starts or stops the daemon", c.onUpgrade))
		case c.restartAfterUpgrade != nil || c.noStopOnUpgrade:
			if flags := c.debhelperPolicy(); flags != c.onUpgrade {
				problems = append(problems, fmt.Sprintf("--on-upgrade=%s contradicts %s, which mean --on-upgrade=%s", c.onUpgrade, c.upgradeFlags(), flags))
			}
		}
	}
	if c.noEnable && len(splitWords(c.updateRcdParams)) > 0 {
		problems = append(problems, "--no-enable and -- params/-u/--update-rcd-params are mutually exclusive")
	}
	if len(problems) > 0 {
		return nil, &debhelper.UsageError{Problems: problems}
	}
	return c, nil
}

// policy returns the upgrade policy: --on-upgrade, or what debhelper's flags amount to.
func (c *config) policy() maintscript.OnUpgrade {
	if c.onUpgrade != "" {
		return c.onUpgrade
	}
	return c.debhelperPolicy()
}

// debhelperPolicy returns the upgrade policy debhelper's flags amount to, as dh_installinit
// decides it: restart unless -r, --no-start or --no-restart-after-upgrade says otherwise;
// without restart, a preinst stop unless -r.
func (c *config) debhelperPolicy() maintscript.OnUpgrade {
	restart := !c.noStopOnUpgrade && !c.noStart
	if c.restartAfterUpgrade != nil {
		restart = *c.restartAfterUpgrade
	}
	switch {
	case restart:
		return maintscript.Restart
	case c.noStopOnUpgrade:
		return maintscript.None
	default:
		return maintscript.StopThenStart
	}
}

// upgradeFlags names the debhelper upgrade flags given.
func (c *config) upgradeFlags() string {
	var flags []string
	if c.restartAfterUpgrade != nil && *c.restartAfterUpgrade {
		flags = append(flags, "-R/--restart-after-upgrade")
	}
	if c.restartAfterUpgrade != nil && !*c.restartAfterUpgrade {
		flags = append(flags, "--no-restart-after-upgrade")
	}
	if c.noStopOnUpgrade {
		flags = append(flags, "-r/--no-stop-on-upgrade")
	}
	return strings.Join(flags, " and ")
}

// scope tells apart, for the idempotent rewriting of generated blocks, calls that install
// different init scripts for one package.
func (c *config) scope() string {
	switch {
	case c.Name != "":
		return "--name=" + c.Name
	case c.removeD:
		return "-d"
	case c.initScript != "":
		return "--init-script=" + c.initScript
	}
	return ""
}

// splitWords splits each argument at white space.
func splitWords(args []string) []string {
	var words []string
	for _, a := range args {
		words = append(words, strings.Fields(a)...)
	}
	return words
}
