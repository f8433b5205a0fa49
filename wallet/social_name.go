package wallet

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskName returns the form of a name that a stranger sees
// (docs/WALLET.md, "Names"): the first word and the initial of the last
// word that has a letter, with a period ("Carol Chan" → "Carol C."). A
// name of one word stays as it is; trailing words without a letter, such
// as an emoji, give no initial ("Ada 🚀" → "Ada"). A name that starts with
// a CJK character, usually written without spaces, shows that character
// and a fixed "**" ("陳大文" → "陳**"), so neither the given name nor its
// length shows.
func MaskName(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return ""
	}
	first := words[0]
	if r, _ := utf8.DecodeRuneInString(first); unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
		return withMarks(first) + "**"
	}
	for _, w := range slices.Backward(words[1:]) {
		if i := strings.IndexFunc(w, unicode.IsLetter); i >= 0 {
			return first + " " + withMarks(w[i:]) + "."
		}
	}
	return first
}

// withMarks returns the first character of s with the combining marks
// that follow it, so a decomposed "É" (E and U+0301) keeps its accent.
func withMarks(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.Is(unicode.M, r) {
			break
		}
		n += size
	}
	return s[:n]
}
