package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"hash"
	"net/http"
)

// digestAlgs are the Content-Digest algorithms understood (RFC 9530 §5);
// others in a field are ignored, as §2 allows.
var digestAlgs = map[string]func() hash.Hash{
	"sha-256": sha256.New,
	"sha-512": sha512.New,
}

// ContentDigest returns the Content-Digest field value of body with
// SHA-256: `sha-256=:<base64>:`.
func ContentDigest(body []byte) string {
	h := sha256.Sum256(body)
	return serializeDictItem("sha-256", h[:])
}

func serializeDictItem(name string, v []byte) string {
	return name + "=" + serializeItem(item{Value: v})
}

// VerifyDigest checks a Content-Digest field value against body: it
// must parse, hold at least one algorithm of sha-256 and sha-512, and
// every one of those it holds must match (compared in constant time).
// It fails with EDigestMismatch.
func VerifyDigest(field string, body []byte) error {
	members, err := parseDictionary(field)
	if err != nil {
		return newError(EDigestMismatch, "Content-Digest is malformed.")
	}
	checked := 0
	for _, m := range members {
		newHash, ok := digestAlgs[m.Name]
		if !ok {
			continue
		}
		want, ok := m.Item.Value.([]byte)
		if !ok || m.IsList {
			return newError(EDigestMismatch, "Content-Digest is malformed.")
		}
		h := newHash()
		h.Write(body)
		if subtle.ConstantTimeCompare(h.Sum(nil), want) != 1 {
			return newError(EDigestMismatch, "Content-Digest does not match the body.")
		}
		checked++
	}
	if checked == 0 {
		return newError(EDigestMismatch, "Content-Digest holds no sha-256 or sha-512 digest.")
	}
	return nil
}

// verifyRequestDigest checks the request's Content-Digest fields
// (several field lines are one dictionary) against body.
func verifyRequestDigest(h http.Header, body []byte) error {
	v, ok := fieldValue(h, "content-digest")
	if !ok {
		return newError(EDigestMismatch, "Content-Digest is missing.")
	}
	return VerifyDigest(v, body)
}
