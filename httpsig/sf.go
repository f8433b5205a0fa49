package httpsig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file holds the part of RFC 8941 (Structured Field Values) that
// Signature-Input, Signature and Content-Digest use: a dictionary whose
// members are items or inner lists, each with parameters, and the bare
// items string, token, integer, byte sequence and boolean. Decimals are
// not used by these fields and are refused.

// token is a bare item of type token, kept apart from a string because
// the two serialize differently.
type token string

// param is one parameter of an item or inner list; its order is kept,
// because the signature base serializes parameters in the order given.
type param struct {
	Key   string
	Value any // string, token, int64, []byte or bool
}

// item is a bare item with its parameters.
type item struct {
	Value  any
	Params []param
}

// member is a dictionary member: an item, or an inner list when List is
// not nil (an empty inner list is an empty, non-nil slice).
type member struct {
	Name   string
	Item   item
	List   []item
	IsList bool
	Params []param // of the inner list
}

var errSyntax = errors.New("structured field syntax")

// parseDictionary parses an RFC 8941 dictionary. A key given twice keeps
// its last value, in the position of the first, as §4.2.2 says.
func parseDictionary(s string) ([]member, error) {
	p := &sfParser{s: s}
	p.skipSP()
	var out []member
	for !p.done() {
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		m := member{Name: name}
		if p.peek() == '=' {
			p.i++
			if p.peek() == '(' {
				m.IsList = true
				if m.List, m.Params, err = p.innerList(); err != nil {
					return nil, err
				}
			} else if m.Item, err = p.item(); err != nil {
				return nil, err
			}
		} else {
			m.Item.Value = true
			if m.Item.Params, err = p.params(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range out {
			if out[i].Name == name {
				out[i], replaced = m, true
			}
		}
		if !replaced {
			out = append(out, m)
		}
		p.skipOWS()
		if p.done() {
			break
		}
		if p.peek() != ',' {
			return nil, fmt.Errorf("%w: want ',' at %d", errSyntax, p.i)
		}
		p.i++
		p.skipOWS()
		if p.done() {
			return nil, fmt.Errorf("%w: trailing ','", errSyntax)
		}
	}
	return out, nil
}

type sfParser struct {
	s string
	i int
}

func (p *sfParser) done() bool { return p.i >= len(p.s) }

func (p *sfParser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *sfParser) skipSP() {
	for p.peek() == ' ' {
		p.i++
	}
}

func (p *sfParser) skipOWS() {
	for p.peek() == ' ' || p.peek() == '\t' {
		p.i++
	}
}

func isLCAlpha(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool   { return c >= '0' && c <= '9' }

func (p *sfParser) key() (string, error) {
	start := p.i
	if c := p.peek(); !isLCAlpha(c) && c != '*' {
		return "", fmt.Errorf("%w: bad key at %d", errSyntax, p.i)
	}
	for !p.done() {
		c := p.peek()
		if !isLCAlpha(c) && !isDigit(c) && !strings.ContainsRune("_-.*", rune(c)) {
			break
		}
		p.i++
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) innerList() ([]item, []param, error) {
	p.i++ // '('
	items := []item{}
	for !p.done() {
		p.skipSP()
		if p.peek() == ')' {
			p.i++
			params, err := p.params()
			return items, params, err
		}
		it, err := p.item()
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		if c := p.peek(); c != ' ' && c != ')' {
			return nil, nil, fmt.Errorf("%w: bad inner list at %d", errSyntax, p.i)
		}
	}
	return nil, nil, fmt.Errorf("%w: unterminated inner list", errSyntax)
}

func (p *sfParser) item() (item, error) {
	v, err := p.bareItem()
	if err != nil {
		return item{}, err
	}
	params, err := p.params()
	return item{Value: v, Params: params}, err
}

func (p *sfParser) params() ([]param, error) {
	var out []param
	for p.peek() == ';' {
		p.i++
		p.skipSP()
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		var v any = true
		if p.peek() == '=' {
			p.i++
			if v, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range out {
			if out[i].Key == k {
				out[i].Value, replaced = v, true
			}
		}
		if !replaced {
			out = append(out, param{Key: k, Value: v})
		}
	}
	return out, nil
}

func (p *sfParser) bareItem() (any, error) {
	c := p.peek()
	switch {
	case c == '-' || isDigit(c):
		return p.integer()
	case c == '"':
		return p.str()
	case c == ':':
		return p.bytes()
	case c == '?':
		p.i++
		switch p.peek() {
		case '1':
			p.i++
			return true, nil
		case '0':
			p.i++
			return false, nil
		}
	case c == '*' || (c >= 'A' && c <= 'Z') || isLCAlpha(c):
		start := p.i
		for !p.done() && isTokenChar(p.peek()) {
			p.i++
		}
		return token(p.s[start:p.i]), nil
	}
	return nil, fmt.Errorf("%w: bad item at %d", errSyntax, p.i)
}

func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`"(),;<=>?@[\]{}`, rune(c)) || c == ':' || c == '/'
}

func (p *sfParser) integer() (int64, error) {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	digits := p.i
	for isDigit(p.peek()) {
		p.i++
	}
	if p.i == digits || p.i-digits > 15 || p.peek() == '.' {
		return 0, fmt.Errorf("%w: bad integer at %d", errSyntax, start)
	}
	return strconv.ParseInt(p.s[start:p.i], 10, 64)
}

func (p *sfParser) str() (string, error) {
	p.i++ // '"'
	var b strings.Builder
	for !p.done() {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\\':
			if n := p.peek(); n == '"' || n == '\\' {
				b.WriteByte(n)
				p.i++
				continue
			}
			return "", fmt.Errorf("%w: bad escape", errSyntax)
		case c == '"':
			return b.String(), nil
		case c < ' ' || c > '~':
			return "", fmt.Errorf("%w: bad string character", errSyntax)
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("%w: unterminated string", errSyntax)
}

func (p *sfParser) bytes() ([]byte, error) {
	p.i++ // ':'
	end := strings.IndexByte(p.s[p.i:], ':')
	if end < 0 {
		return nil, fmt.Errorf("%w: unterminated byte sequence", errSyntax)
	}
	enc := p.s[p.i : p.i+end]
	p.i += end + 1
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: bad byte sequence", errSyntax)
	}
	return b, nil
}

// serializeInnerList writes an inner list as §4.1.1.1 does; it is the
// value of "@signature-params" and of a Signature-Input member.
func serializeInnerList(items []item, params []param) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(serializeItem(it))
	}
	b.WriteByte(')')
	writeParams(&b, params)
	return b.String()
}

func serializeItem(it item) string {
	var b strings.Builder
	writeBare(&b, it.Value)
	writeParams(&b, it.Params)
	return b.String()
}

func writeParams(b *strings.Builder, params []param) {
	for _, p := range params {
		b.WriteByte(';')
		b.WriteString(p.Key)
		if v, ok := p.Value.(bool); ok && v {
			continue
		}
		b.WriteByte('=')
		writeBare(b, p.Value)
	}
}

func writeBare(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		b.WriteByte('"')
		for i := 0; i < len(v); i++ {
			if v[i] == '"' || v[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[i])
		}
		b.WriteByte('"')
	case token:
		b.WriteString(string(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case []byte:
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		b.WriteByte(':')
	case bool:
		if v {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	}
}
