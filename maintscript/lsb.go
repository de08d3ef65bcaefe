package maintscript

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// LSBHeader is the "### BEGIN INIT INFO" block of an init script, as update-rc.d reads it.
type LSBHeader struct {
	// DefaultStart and DefaultStop are the runlevels of those keywords, as written.
	DefaultStart, DefaultStop []string
	// StartLine and StopLine are the 1-based lines of Default-Start and Default-Stop, 0 when
	// absent.
	StartLine, StopLine int
	// EndLine is the line of "### END INIT INFO", 0 when the header is not closed.
	EndLine int
	// More reports a second "### BEGIN INIT INFO" after the header, which update-rc.d
	// ignores.
	More bool
}

var (
	lsbBegin = regexp.MustCompile(`^### BEGIN INIT INFO\s*$`)
	lsbEnd   = regexp.MustCompile(`^### END INIT INFO\s*$`)
	lsbStart = regexp.MustCompile(`^# Default-Start:\s*(\S?.*)$`)
	lsbStop  = regexp.MustCompile(`^# Default-Stop:\s*(\S?.*)$`)
)

// ParseLSBHeader finds and parses the LSB header of an init script exactly as update-rc.d's
// parse_def_start_stop does, since the links it makes are what the header means: from the
// first line "### BEGIN INIT INFO" to the first "### END INIT INFO" (or the end of the
// script), the lines "# Default-Start:" and "# Default-Stop:" so written, the last of each
// counting. A script without a header is an error.
func ParseLSBHeader(script []byte) (*LSBHeader, error) {
	var h *LSBHeader
	for i, line := range strings.Split(string(script), "\n") {
		switch {
		case h == nil:
			if lsbBegin.MatchString(line) {
				h = &LSBHeader{}
			}
		case h.EndLine > 0:
			if lsbBegin.MatchString(line) {
				h.More = true
			}
		case lsbEnd.MatchString(line):
			h.EndLine = i + 1
		default:
			if m := lsbStart.FindStringSubmatch(line); m != nil {
				h.DefaultStart, h.StartLine = strings.Fields(m[1]), i+1
			}
			if m := lsbStop.FindStringSubmatch(line); m != nil {
				h.DefaultStop, h.StopLine = strings.Fields(m[1]), i+1
			}
		}
	}
	if h == nil {
		return nil, errors.New("no LSB header (### BEGIN INIT INFO)")
	}
	return h, nil
}

// IsRcS reports whether the script starts in the single-user boot runlevel S.
func (h *LSBHeader) IsRcS() bool {
	for _, r := range h.DefaultStart {
		if strings.EqualFold(r, "S") {
			return true
		}
	}
	return false
}

// MultiuserStop is the Default-Stop of a multiuser daemon.
const MultiuserStop = "1"

// MakeMultiuser rewrites an init script's LSB header so that the daemon is stopped only in
// runlevel 1: the value of Default-Stop becomes "1" (its spacing kept), or a Default-Stop line
// is added after Default-Start when there is none. Every other byte is kept. A script that is
// already multiuser is returned unchanged. Scripts without a header, or started in rcS, are
// an error.
func MakeMultiuser(script []byte) ([]byte, error) {
	h, err := ParseLSBHeader(script)
	switch {
	case err != nil:
		return nil, err
	case h.EndLine == 0:
		return nil, errors.New("LSB header not closed by ### END INIT INFO")
	case h.More:
		return nil, errors.New("a second LSB header (### BEGIN INIT INFO) after the first")
	case h.IsRcS():
		return nil, fmt.Errorf("line %d: an rcS script (Default-Start: %s) runs once at boot and cannot be multiuser", h.StartLine, strings.Join(h.DefaultStart, " "))
	case h.StartLine == 0:
		return nil, errors.New("LSB header has no Default-Start")
	}
	lines := bytes.SplitAfter(script, []byte("\n"))
	if h.StopLine == 0 {
		start := lines[h.StartLine-1]
		eol := start[len(bytes.TrimRight(start, "\r\n")):]
		if len(eol) == 0 { // Default-Start on an unterminated last line cannot be: END follows
			eol = []byte("\n")
		}
		added := append([]byte("# Default-Stop:     "+MultiuserStop), eol...)
		lines = append(lines[:h.StartLine], append([][]byte{added}, lines[h.StartLine:]...)...)
		return bytes.Join(lines, nil), nil
	}
	line := lines[h.StopLine-1]
	body := bytes.TrimRight(line, "\r\n")
	eol := line[len(body):]
	colon := bytes.IndexByte(body, ':')
	value := body[colon+1:]
	lead := value[:len(value)-len(bytes.TrimLeft(value, " \t"))]
	if len(lead) == 0 {
		lead = []byte(" ")
	}
	rewritten := append(append(append([]byte{}, body[:colon+1]...), lead...), MultiuserStop...)
	lines[h.StopLine-1] = append(rewritten, eol...)
	return bytes.Join(lines, nil), nil
}
