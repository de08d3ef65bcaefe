package debhelper

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWarning(t *testing.T) {
	var b bytes.Buffer
	Warning(&b, "dh_teardown", "ignored unknown options in DH_OPTIONS")
	assert.Equal(t, "dh_teardown: warning: ignored unknown options in DH_OPTIONS\n", b.String())
}

func TestReportError(t *testing.T) {
	tests := []struct {
		err  error
		code int
		out  string
	}{
		{&UsageError{Problems: []string{"unknown option: -x", "option -p requires an argument"}}, 2,
			"dh_x: error: unknown option: -x\ndh_x: error: option -p requires an argument\n"},
		{fmt.Errorf("parsing: %w", &UsageError{Problems: []string{"bad"}}), 2, "dh_x: error: parsing: bad\n"},
		{&NoPackagesError{Msg: "No packages to build."}, 0, "dh_x: warning: No packages to build.\n"},
		{errors.Join(errors.New("debian/hello.teardown:7: bad"), errors.New("debian/hello.teardown:9: worse")), 1,
			"dh_x: error: debian/hello.teardown:7: bad\ndh_x: error: debian/hello.teardown:9: worse\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		assert.Equal(t, tt.code, ReportError(&b, "dh_x", tt.err))
		assert.Equal(t, tt.out, b.String())
	}
}
