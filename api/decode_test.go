package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
)

// TestStrictFieldNames refuses what a lenient decoder would quietly
// reinterpret: a repeated member (which one wins differs between parsers,
// so a proxy and this server could read two different requests) and a
// member whose name differs from the field's only in case, at any depth.
func TestStrictFieldNames(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const bob = `"to":{"username":"bob"}`
	for _, tc := range []struct {
		name, path, body string
		code, param      string
	}{
		{"duplicate", "/v1/transfers", `{` + bob + `,"amount":100,"amount":1,"currency":"HKD"}`, EDuplicateParameter, "amount"},
		{"duplicate object", "/v1/transfers", `{` + bob + `,` + bob + `,"amount":1,"currency":"HKD"}`, EDuplicateParameter, "to"},
		{"duplicate nested", "/v1/transfers", `{"to":{"username":"bob","username":"carol"},"amount":1,"currency":"HKD"}`, EDuplicateParameter, "to.username"},
		{"duplicate in array", "/v1/requests", `{"from":[{"username":"bob"},{"phone":"+85291234567","phone":"+85298765432"}],"amount":1,"currency":"HKD"}`, EDuplicateParameter, "from[1].phone"},
		{"duplicate escaped", "/v1/transfers", `{` + bob + `,"amount":1,"\u0061mount":2,"currency":"HKD"}`, EDuplicateParameter, "amount"},
		{"duplicate same value", "/v1/contacts", `{"username":"bob","username":"bob"}`, EDuplicateParameter, "username"},
		{"upper case", "/v1/transfers", `{` + bob + `,"Amount":100,"currency":"HKD"}`, EUnknownParameter, "Amount"},
		{"upper case beside", "/v1/transfers", `{` + bob + `,"amount":100,"AMOUNT":1,"currency":"HKD"}`, EUnknownParameter, "AMOUNT"},
		{"upper case nested", "/v1/transfers", `{"to":{"UserName":"bob"},"amount":1,"currency":"HKD"}`, EUnknownParameter, "to.UserName"},
		{"upper case in array", "/v1/requests", `{"from":[{"username":"bob"},{"Phone":"+85291234567"}],"amount":1,"currency":"HKD"}`, EUnknownParameter, "from[1].Phone"},
		{"unicode fold", "/v1/transfers", `{` + bob + `,"amount":1,"currency":"HKD","meſſage":"hi"}`, EUnknownParameter, "meſſage"},
		{"long s", "/v1/contacts", `{"uſername":"bob"}`, EUnknownParameter, "uſername"},
		{"kelvin sign", "/v1/withdrawals", `{"amount":1,"currency":"HKD","ban\u212a_account":"123-456-789"}`, EUnknownParameter, "ban\u212a_account"},
		{"unknown nested", "/v1/transfers", `{"to":{"username":"bob","nickname":"b"},"amount":1,"currency":"HKD"}`, EUnknownParameter, "to.nickname"},
		{"unknown in split", "/v1/requests", `{"from":[{"username":"bob"}],"split":{"total":2,"Total":3},"currency":"HKD"}`, EUnknownParameter, "split.Total"},
		{"invalid utf-8", "/v1/contacts", "{\"username\":\"b\xffb\"}", EInvalidJSON, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tb.do(t, req{method: "POST", path: tc.path, key: "k-" + tc.name, body: tc.body})
			requireError(t, w, 400, tc.code, tc.param)
			require.Equal(t, "invalid_request_error", errorOf(t, w).Type)
		})
	}
	// The exact names still work, and the refusals moved no money.
	w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-ok", body: `{` + bob + `,"amount":100,"currency":"HKD"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Equal(t, 1, tb.wallet.sends)
}

// TestDecodeErrorParams checks the param of type errors at depth.
func TestDecodeErrorParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body, code, param string
	}{
		{`{"to":{"username":5}}`, cashless.EInvalid, "to.username"},
		{`{"to":{"username":"b"},"amount":1.5}`, "invalid_amount", "amount"},
		{`{"to":{"username":"b"},"amount":1,"currency":"hkd"}`, EInvalidCurrency, "currency"},
		{`{"to":[]}`, cashless.EInvalid, "to"},
		{`[]`, EInvalidJSON, ""},
		{`"x"`, EInvalidJSON, ""},
		// Malformed JSON is invalid_json even past a bad value or a repeat.
		{`{"to":{"username":"b"},"amount":"1","currency":"HKD"`, EInvalidJSON, ""},
		{`{"to":{"username":"b"},"to":{"username":"b"}`, EInvalidJSON, ""},
		{`{"to":{"Username":"b"}} {}`, EInvalidJSON, ""},
	} {
		_, err := parseTransfer([]byte(tc.body))
		require.Equal(t, tc.code, cashless.ErrorCode(err), "%s: %v", tc.body, err)
		var ce *cashless.Error
		require.True(t, errors.As(err, &ce))
		require.Equal(t, tc.param, ce.Param, tc.body)
	}
	_, err := parseRequest([]byte(`{"from":[{"username":"b"},{"username":false}]}`))
	require.Equal(t, cashless.EInvalid, cashless.ErrorCode(err))
	var ce *cashless.Error
	require.True(t, errors.As(err, &ce))
	require.Equal(t, "from[1].username", ce.Param)
}

// FuzzDecodeStrict checks decodeJSON against an independent reading of the
// body with encoding/json's tokenizer: whatever it accepts has no repeated
// member in any object and only member names that are exactly a field's
// name, and whatever it refuses, it refuses with a coded error.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{
		`{"to":{"username":"bob"},"amount":100,"currency":"HKD"}`,
		`{"to":{"username":"bob","username":"x"},"amount":100,"currency":"HKD"}`,
		`{"to":{"Username":"bob"},"amount":100,"currency":"HKD"}`,
		`{"amount":1,"amount":1}`, `{"AMOUNT":1}`, `{"meſſage":""}`, `{"to":{"\u0070hone":"1"},"to":null}`,
		`{"message":"a","visibility":"friends","totp_code":"1","to":{"paycode":"x","email":"e"}}`,
	} {
		f.Add([]byte(s))
	}
	names := jsonNames(reflect.TypeFor[TransferParams]())
	f.Fuzz(func(t *testing.T, body []byte) {
		var p TransferParams
		err := decodeJSON(body, &p)
		if err != nil {
			if cashless.ErrorCode(err) == cashless.EInternal {
				t.Fatalf("uncoded refusal of %q: %v", body, err)
			}
			return
		}
		if msg := strictOracle(body, names); msg != "" {
			t.Fatalf("accepted %q: %s", body, msg)
		}
	})
}

// strictOracle walks body with encoding/json's tokenizer and describes the
// first repeated member or member name outside names, or returns "".
func strictOracle(body []byte, names map[string]bool) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		seen   map[string]bool
		key    bool // the next token of this object is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return "tokenizer: " + err.Error()
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			name := tok.(string)
			if top.seen[name] {
				return "repeated member " + name
			}
			if !names[name] {
				return "member " + name + " is no field's name"
			}
			top.seen[name] = true
			top.key = false
			continue
		}
		if top != nil && top.object {
			top.key = true // this token is a member's value
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, seen: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// jsonNames collects the JSON names of t's fields, and of the fields of
// the structs it holds.
func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			names[name] = true
			walk(f.Type)
		}
	}
	walk(t)
	return names
}
