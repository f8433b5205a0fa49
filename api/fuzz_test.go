package api

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/cashless-dev/cashless"
)

// fuzzParse checks a parse function on arbitrary bodies: it never panics,
// refuses with a coded error, and anything it accepts encodes back to a
// body that parses to the same request.
func fuzzParse[T any](f *testing.F, parse func([]byte) (T, error), seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parse(body)
		if err != nil {
			if cashless.ErrorCode(err) == cashless.EInternal {
				t.Fatalf("uncoded refusal of %q: %v", body, err)
			}
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", p, err)
		}
		q, err := parse(again)
		if err != nil {
			t.Fatalf("re-encoded %s refused: %v", again, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed %+v into %+v", p, q)
		}
	})
}

func FuzzDecodeTransfer(f *testing.F) {
	fuzzParse(f, parseTransfer,
		`{"to":{"username":"bob"},"amount":100,"currency":"HKD"}`,
		`{"to":{"phone":"+85291234567"},"amount":9223372036854775807,"currency":"JPY","message":"🍜","visibility":"friends","totp_code":"123456"}`,
		`{"to":{"paycode":"0002"},"amount":1e2,"currency":"HKD"}`,
		`{"to":{"email":"a@b.c"},"amount":"100","currency":"hkd"}`,
		`{"to":null,"amount":-1}`, `[]`, `{"amount":1.5}`, `{"x":1} {}`)
}

func FuzzDecodeSignup(f *testing.F) {
	fuzzParse(f, parseSignup,
		`{"phone":"+85291234567","name":"Zoë 😀","password":"long enough pw"}`,
		`{"phone":"+1","email":"a@b.c","name":"x","username":"x","password":"p"}`,
		`{"phone":5}`, `{"name":"\u0000"}`, `{`)
}

func FuzzDecodeRequest(f *testing.F) {
	fuzzParse(f, parseRequest,
		`{"from":[{"username":"bob"},{"phone":"+85291234567"}],"amount":100,"currency":"HKD","message":"dim sum"}`,
		`{"from":[{"username":"bob"}],"split":{"total":301},"currency":"HKD"}`,
		`{"from":[{"paycode":"x"}],"amount":1,"currency":"HKD"}`,
		`{"from":[],"split":{"total":0}}`, `{"from":[{}],"amount":1,"split":{"total":1}}`)
}

func FuzzDecodeWithdrawal(f *testing.F) {
	fuzzParse(f, parseWithdrawal,
		`{"amount":100,"currency":"HKD","bank_account":"123-456-789"}`, `{"amount":0}`)
}

func FuzzDecodeLogin(f *testing.F) {
	fuzzParse(f, parseLogin,
		`{"phone":"+85291234567","password":"x","totp_code":"1"}`, `{"phone":"a","email":"b","password":"c"}`)
}
