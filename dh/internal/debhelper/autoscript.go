package debhelper

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// prepends reports whether blocks go to the top of the script's files, so
// that removal runs in reverse order of installation (Dh_Lib autoscript).
func prepends(script string) bool {
	s, err := maintscript.ParseScript(script)
	return err == nil && s.Prepends()
}

// autoscriptFile is the file a package's blocks for script go to:
// debian/PKG.SCRIPT.debhelper, or for service blocks
// debian/.debhelper/generated/PKG/SCRIPT.service, which dh_installdeb puts
// after the .debhelper blocks in preinst and postinst and before them in
// prerm and postrm.
func autoscriptFile(pkg, script string, service bool) string {
	if service {
		return path.Join(generatedDir(pkg), script+".service")
	}
	return "debian/" + pkg + "." + script + ".debhelper"
}

// generatedDir is debhelper's per-package directory of generated files,
// removed by dh_prep and dh_clean together with the .debhelper files.
func generatedDir(pkg string) string { return "debian/.debhelper/generated/" + pkg }

// ledgerFile records which blocks of a package's autoscript files were
// written by which tool and scope, so that a later run can replace them.
func ledgerFile(pkg string) string { return path.Join(generatedDir(pkg), "autoscript-owners") }

// segment is a piece of an autoscript file: a generated block (tool set)
// or any other text, kept byte for byte.
type segment struct {
	text string // the exact bytes, marker lines included
	tool string // the TOOL of "# Automatically added by TOOL/VERSION"; "" for other text
	body string // the block without its marker lines
}

// parseSegments splits an autoscript file into blocks and other text. A
// start marker not followed by an end marker before the next start marker
// is not a block.
func parseSegments(data string) []segment {
	var segs []segment
	var other strings.Builder
	flush := func() {
		if other.Len() > 0 {
			segs = append(segs, segment{text: other.String()})
			other.Reset()
		}
	}
	lines := strings.SplitAfter(data, "\n")
	for i := 0; i < len(lines); i++ {
		tool, ok := maintscript.BlockTool(lines[i])
		if !ok {
			other.WriteString(lines[i])
			continue
		}
		end := slices.IndexFunc(lines[i+1:], func(l string) bool {
			_, start := maintscript.BlockTool(l)
			return start || l == maintscript.BlockEnd
		})
		if end < 0 || lines[i+1+end] != maintscript.BlockEnd {
			other.WriteString(lines[i])
			continue
		}
		end += i + 1
		flush()
		segs = append(segs, segment{
			text: strings.Join(lines[i:end+1], ""),
			tool: tool,
			body: strings.Join(lines[i+1:end], ""),
		})
		i = end
	}
	flush()
	return segs
}

// bodyHash identifies a block body in the ledger.
func bodyHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// mergeBlocks returns data with the blocks of tool whose body hashes are in
// owned replaced by bodies, wrapped with tool and version. The new blocks
// take the place of the first replaced one; when none is replaced they are
// appended, or for prerm and postrm prepended in reverse order, which is
// what calling debhelper's autoscript once per body gives (except that a
// newline is added to a file that does not end in one). Other text and
// other blocks are kept byte for byte. replaced tells whether old blocks
// were found.
func mergeBlocks(data, script, tool, version string, owned map[string]bool, bodies []string) (merged string, replaced bool) {
	blocks := make([]string, len(bodies))
	for i, b := range bodies {
		blocks[i] = maintscript.Block(tool+"/"+version, b)
	}
	if prepends(script) {
		slices.Reverse(blocks)
	}
	group := strings.Join(blocks, "")

	var out strings.Builder
	inserted := false
	for _, s := range parseSegments(data) {
		if s.tool == tool && owned[bodyHash(s.body)] {
			replaced = true
			if !inserted {
				out.WriteString(group)
				inserted = true
			}
			continue
		}
		out.WriteString(s.text)
	}
	switch {
	case inserted:
		return out.String(), true
	case prepends(script):
		return group + data, false
	case data != "" && !strings.HasSuffix(data, "\n"):
		// debhelper would glue the marker to the unfinished line.
		return data + "\n" + group, false
	default:
		return data + group, false
	}
}

// ledgerKey names the blocks one tool with one scope wrote to one file.
type ledgerKey struct {
	file, tool, scope string
}

// ledger maps each key to the body hashes of the blocks written.
type ledger map[ledgerKey][]string

// parseLedger reads a ledger file: one line per block,
// "FILE<TAB>TOOL<TAB>SCOPE<TAB>SHA256".
func parseLedger(name, data string) (ledger, error) {
	l := ledger{}
	if data == "" {
		return l, nil
	}
	for n, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 || len(f[3]) != sha256.Size*2 {
			return nil, fmt.Errorf("%s:%d: malformed line (remove the file, or run dh_prep)", name, n+1)
		}
		k := ledgerKey{file: f[0], tool: f[1], scope: f[2]}
		l[k] = append(l[k], f[3])
	}
	return l, nil
}

// format renders the ledger with its lines sorted, so that equal ledgers
// give equal files.
func (l ledger) format() string {
	var lines []string
	for k, hashes := range l {
		for _, h := range hashes {
			lines = append(lines, k.file+"\t"+k.tool+"\t"+k.scope+"\t"+h+"\n")
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}
