package httpsig

import (
	"fmt"
	"net/http"
	"strings"
)

// signatureBase builds the signature base of RFC 9421 §2.5: one line per
// covered component, `"<name>": <value>`, then the "@signature-params"
// line whose value is the Signature-Input member (sigParams) itself.
func signatureBase(r *http.Request, components []item, sigParams string) ([]byte, error) {
	var b strings.Builder
	seen := make(map[string]bool, len(components))
	for _, c := range components {
		name, ok := c.Value.(string)
		if !ok || len(c.Params) > 0 {
			return nil, fmt.Errorf("component %s is not supported", serializeItem(c))
		}
		if seen[name] || name == "@signature-params" {
			return nil, fmt.Errorf("component %q is repeated or reserved", name)
		}
		seen[name] = true
		v, err := componentValue(r, name)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("component %q holds a line break", name)
		}
		b.WriteString(serializeItem(item{Value: name}))
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(sigParams)
	return []byte(b.String()), nil
}

// componentValue is a component's value (§2.1, §2.2). Header field names
// must be lower-case, as the RFC requires of component identifiers.
func componentValue(r *http.Request, name string) (string, error) {
	switch name {
	case "@method":
		return r.Method, nil
	case "@authority":
		return authority(r), nil
	case "@path":
		if p := r.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	case "@target-uri":
		p, _ := componentValue(r, "@path")
		uri := scheme(r) + "://" + authority(r) + p
		if r.URL.RawQuery != "" {
			uri += "?" + r.URL.RawQuery
		}
		return uri, nil
	}
	if strings.HasPrefix(name, "@") || name == "" || name != strings.ToLower(name) {
		return "", fmt.Errorf("component %q is not supported", name)
	}
	if name == "host" {
		return authority(r), nil
	}
	v, ok := fieldValue(r.Header, name)
	if !ok {
		return "", fmt.Errorf("component %q is not in the request", name)
	}
	return v, nil
}

// fieldValue joins a field's lines as §2.1 says: each trimmed of
// surrounding whitespace, joined by ", ".
func fieldValue(h http.Header, name string) (string, bool) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.Trim(v, " \t")
	}
	return strings.Join(out, ", "), true
}

func scheme(r *http.Request) string {
	if r.URL.Scheme != "" {
		return strings.ToLower(r.URL.Scheme)
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// authority is the request's host, lower-cased and without the scheme's
// default port (§2.2.3). A server sees it in r.Host; a client request may
// carry it only in its URL.
func authority(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	host = strings.ToLower(host)
	switch scheme(r) {
	case "http":
		host = strings.TrimSuffix(host, ":80")
	case "https":
		host = strings.TrimSuffix(host, ":443")
	}
	return host
}
