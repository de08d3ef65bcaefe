//go:build integration

package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// lcinfo 1.0 ships /usr/share/lcinfo/lcinfo.info, outside /usr/share/info, and registers it
// itself (postinst configure; prerm remove); 2.0 drops it and declares it Removed-In: 2.0,
// whose registration is then explicit: 2.0's preinst deregisters it, its postrm registers it
// again when the upgrade fails.

const lcinfoFile = "/usr/share/lcinfo/lcinfo.info"

func newLcinfo(t *testing.T) *scenario {
	t.Parallel()
	s := newScenario(t, nil)
	if _, _, err := s.r.Run("command -v install-info"); err != nil {
		t.Fatal("lifecycle: install-info is not installed (Debian package install-info); the explicit registration scenarios need it")
	}
	s.infos[lcinfoFile] = "lcinfo"
	return s
}

func TestExplicitInfoDeregisteredOnUpgrade(t *testing.T) {
	s := newLcinfo(t)
	s.install(lcinfoDeb(t, "1.0"))
	assert.True(t, s.infoRegistered(lcinfoFile))
	s.install(lcinfoDeb(t, "2.0"))
	assert.False(t, s.infoRegistered(lcinfoFile))
	s.purge("lcinfo")
}

func TestExplicitInfoFromTheConfigFilesState(t *testing.T) {
	s := newLcinfo(t)
	s.install(lcinfoDeb(t, "1.0"))
	s.dpkg("--remove", "lcinfo")
	s.install(lcinfoDeb(t, "2.0"))
	s.purge("lcinfo")
}

func TestExplicitInfoRegisteredAgainWhenTheUpgradeFails(t *testing.T) {
	t.Run("preinst of 2.0", func(t *testing.T) {
		s := newLcinfo(t)
		s.install(lcinfoDeb(t, "1.0"))
		s.failedUpgrade("lcinfo", "1.0", lcinfoDeb(t, "2.0"), "after the failed preinst of 2.0", hook{"2.0", "preinst", "upgrade"})
		assert.True(t, s.infoRegistered(lcinfoFile), "2.0's postrm abort-upgrade registers it again")
		s.heal()
		s.install(lcinfoDeb(t, "2.0"))
		s.purge("lcinfo")
	})
	t.Run("postrm upgrade of 1.0", func(t *testing.T) {
		s := newLcinfo(t)
		s.install(lcinfoDeb(t, "1.0"))
		s.failedUpgrade("lcinfo", "1.0", lcinfoDeb(t, "2.0"), "after the failed postrm upgrade of 1.0",
			hook{"1.0", "postrm", "upgrade"}, hook{"2.0", "postrm", "failed-upgrade"})
		assert.True(t, s.infoRegistered(lcinfoFile), "the file is back and registered")
		s.heal()
		s.install(lcinfoDeb(t, "2.0"))
		s.purge("lcinfo")
	})
}
