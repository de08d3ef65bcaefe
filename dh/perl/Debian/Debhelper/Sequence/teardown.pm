#!/usr/bin/perl
# dh add-on "teardown": runs dh_teardown right after dh_installinit, so the
# life-cycle code for daemons and info documents declared in debian/PKG.teardown
# follows the init-script code dh_installinit generated.
#
# Enable it with "dh $@ --with teardown" in debian/rules, or by listing
# "dh-sequence-teardown" in Build-Depends (Build-Depends-Arch/-Indep limit it to
# the arch:any/arch:all packages).  See dh_teardown(1).
#
# dh loads this file inside its add-on API package, which provides insert_after.

use strict;
use warnings;

insert_after('dh_installinit', 'dh_teardown');

1;
