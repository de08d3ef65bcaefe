package templates

import "strings"

// Quote makes s one word for a POSIX shell. A word made only of characters that no shell
// treats specially (letters, digits and _ . / : + , @ % = -, and ~ anywhere but first) is
// returned bare, so that generated code stays readable and lintian can still match
// "update-rc.d hellod defaults"; anything else, including the empty word, is put in single
// quotes, with each single quote written as '\”.
func Quote(s string) string {
	if isSafeWord(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func isSafeWord(s string) bool {
	if s == "" || s[0] == '~' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_./:+,@%=-~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// quoteAll quotes each word with Quote ("shquoteAll" in the snippets, whose words sprig's
// join then puts together).
func quoteAll(words []string) []string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
	}
	return quoted
}
