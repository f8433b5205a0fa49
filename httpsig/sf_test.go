package httpsig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseDictionary(t *testing.T) {
	t.Parallel()
	ms, err := parseDictionary(`sig1=("@method" "content-digest";x);created=1;keyid="a\"b";alg=tok, b=:AQI=:;p=?0, c, d=-5`)
	require.NoError(t, err)
	require.Len(t, ms, 4)
	require.True(t, ms[0].IsList)
	require.Equal(t, []item{{Value: "@method"}, {Value: "content-digest", Params: []param{{Key: "x", Value: true}}}}, ms[0].List)
	require.Equal(t, []param{{Key: "created", Value: int64(1)}, {Key: "keyid", Value: `a"b`}, {Key: "alg", Value: token("tok")}}, ms[0].Params)
	require.Equal(t, item{Value: []byte{1, 2}, Params: []param{{Key: "p", Value: false}}}, ms[1].Item)
	require.Equal(t, item{Value: true}, ms[2].Item)
	require.Equal(t, item{Value: int64(-5)}, ms[3].Item)
	require.Equal(t, `("@method" "content-digest";x);created=1;keyid="a\"b";alg=tok`, serializeInnerList(ms[0].List, ms[0].Params))

	ms, err = parseDictionary(`a=1, b=2, a=3`)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, []string{ms[0].Name, ms[1].Name})
	require.Equal(t, int64(3), ms[0].Item.Value, "the last value of a repeated key wins")

	for _, bad := range []string{
		`A=1`, `a=`, `a=1,`, `a=1 b=2`, `a=("x"`, `a=("x""y")`, `a="unterminated`, `a="bad\q"`,
		`a=:not base64:`, `a=:AQI=`, `a=1.5`, `a=1234567890123456`, `a=?2`, `a=(1);`, "a=\"\x7f\"",
	} {
		_, err := parseDictionary(bad)
		require.Error(t, err, bad)
	}
}

// FuzzParseDictionary checks that the parser never panics on outside
// input, and that what it accepts serializes to text it parses back to
// the same values.
func FuzzParseDictionary(f *testing.F) {
	for _, s := range []string{
		`sig1=("@method" "@path" "content-digest");created=1618884473;keyid="test-key-ed25519";alg="ed25519"`,
		`sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:`,
		`sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:`,
		`a, b=?0;x, c=tok/en:1, d=()`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := parseDictionary(s)
		if err != nil {
			return
		}
		parts := make([]string, len(ms))
		for i, m := range ms {
			if m.IsList {
				parts[i] = m.Name + "=" + serializeInnerList(m.List, m.Params)
			} else {
				parts[i] = m.Name + "=" + serializeItem(m.Item)
			}
		}
		again, err := parseDictionary(strings.Join(parts, ", "))
		require.NoError(t, err, "serialized %q", parts)
		require.Equal(t, len(ms), len(again))
		for i := range ms {
			require.Equal(t, ms[i].IsList, again[i].IsList)
			if ms[i].IsList {
				require.Equal(t, serializeInnerList(ms[i].List, ms[i].Params), serializeInnerList(again[i].List, again[i].Params))
			} else {
				require.Equal(t, serializeItem(ms[i].Item), serializeItem(again[i].Item))
			}
		}
	})
}
