package maintscript

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// LSBHeader is the "### BEGIN INIT INFO" block of an init script.
type LSBHeader struct {
	// DefaultStart and DefaultStop are the runlevels of those keywords, as written.
	DefaultStart, DefaultStop []string
	// StopLine is the 1-based line of Default-Stop, 0 when absent; StartLine likewise.
	StartLine, StopLine int
}

const (
	lsbBegin = "### BEGIN INIT INFO"
	lsbEnd   = "### END INIT INFO"
)

// ParseLSBHeader finds and parses the LSB header of an init script.
func ParseLSBHeader(script []byte) (*LSBHeader, error) {
	lines := strings.Split(string(script), "\n")
	h := &LSBHeader{}
	in, found := false, false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == lsbBegin:
			if found {
				return nil, fmt.Errorf("line %d: a second %q", i+1, lsbBegin)
			}
			in, found = true, true
		case trimmed == lsbEnd && in:
			in = false
		case in:
			key, value, ok := lsbField(line)
			if !ok {
				continue
			}
			switch key {
			case "Default-Start":
				h.DefaultStart, h.StartLine = strings.Fields(value), i+1
			case "Default-Stop":
				h.DefaultStop, h.StopLine = strings.Fields(value), i+1
			}
		}
	}
	switch {
	case !found:
		return nil, errors.New("no LSB header (" + lsbBegin + ")")
	case in:
		return nil, errors.New("LSB header not closed by " + lsbEnd)
	}
	return h, nil
}

// lsbField splits a header line "# Key: value".
func lsbField(line string) (key, value string, ok bool) {
	rest, ok := strings.CutPrefix(line, "#")
	if !ok {
		return "", "", false
	}
	key, value, ok = strings.Cut(rest, ":")
	return strings.TrimSpace(key), value, ok
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
	if err != nil {
		return nil, err
	}
	if h.IsRcS() {
		return nil, fmt.Errorf("line %d: an rcS script (Default-Start: %s) runs once at boot and cannot be multiuser", h.StartLine, strings.Join(h.DefaultStart, " "))
	}
	if h.StartLine == 0 {
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
