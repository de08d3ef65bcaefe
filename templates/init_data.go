package templates

// InitDaemon is the data of the "init.*" snippets: an init script daemon registered, started
// and stopped as debhelper's dh_installinit does it.
type InitDaemon struct {
	// Name is the init script's name, InitScript its path (/etc/init.d/NAME).
	Name, InitScript string
	// UpdateRcdParams are the words after "update-rc.d NAME" in the postinst, such as
	// "defaults" or "defaults-disabled".
	UpdateRcdParams []string
	// InvokeOptions go between invoke-rc.d and the name: "--skip-systemd-native", or none.
	InvokeOptions []string
	// ErrorHandler is the command, as words, run when an init script action fails, such as
	// "exit" "1".
	ErrorHandler []string
	// Start is false with --no-start: the postinst only registers the script.
	Start bool
	// StopBeforeUpgrade makes the preinst of the new version stop the daemon on upgrade.
	StopBeforeUpgrade bool
	// UpgradeAction is the invoke-rc.d action of the postinst when "$2" is set (configure
	// from an installed version, abort-upgrade, abort-deconfigure): "restart", "reload" or
	// "start". Without "$2" the postinst starts the daemon.
	UpgradeAction string
	// DpkgRootSet tests DPKG_ROOT as set but maybe empty, "$DPKG_ROOT" (debhelper 13.24 on),
	// instead of "${DPKG_ROOT:-}".
	DpkgRootSet bool
	// LinksUnderDpkgRoot makes the postinst run update-rc.d also when DPKG_ROOT is not empty,
	// testing "$DPKG_ROOT/etc/init.d/NAME"; invoke-rc.d still runs only when it is empty
	// (debhelper 13.32 on; 14.4 on with --no-start).
	LinksUnderDpkgRoot bool
}

// InitTmpfiles is the data of the "init.tmpfiles.postinst" snippet (compat 10): the
// systemd-tmpfiles configuration files the package ships, by base name.
type InitTmpfiles struct {
	Files []string
	// ShowOutput leaves systemd-tmpfiles' output visible (debhelper 13.11.5 on) instead of
	// sending it to /dev/null.
	ShowOutput bool
}
