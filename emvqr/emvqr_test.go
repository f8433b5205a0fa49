package emvqr_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/emvqr"
)

// emvcoSample is the example payload of the EMVCo merchant-presented mode
// specification (Appendix A), with Chinese text in the language template.
const emvcoSample = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A"

var emvcoFields = []emvqr.Field{
	{ID: "00", Value: "01"},
	{ID: "01", Value: "12"},
	{ID: "29", Sub: []emvqr.Field{{ID: "00", Value: "D15600000000"}, {ID: "05", Value: "A93FO3230Q"}}},
	{ID: "31", Sub: []emvqr.Field{{ID: "00", Value: "D15600000001"}, {ID: "03", Value: "12345678"}}},
	{ID: "52", Value: "4111"},
	{ID: "58", Value: "CN"},
	{ID: "59", Value: "BEST TRANSPORT"},
	{ID: "60", Value: "BEIJING"},
	{ID: "64", Sub: []emvqr.Field{{ID: "00", Value: "ZH"}, {ID: "01", Value: "最佳运输"}, {ID: "02", Value: "北京"}}},
	{ID: "54", Value: "23.72"},
	{ID: "53", Value: "156"},
	{ID: "55", Value: "01"},
	{ID: "62", Sub: []emvqr.Field{{ID: "03", Value: "1234"}, {ID: "06", Value: "***"}, {ID: "07", Value: "A6008667"}, {ID: "09", Value: "ME"}}},
	{ID: "91", Sub: []emvqr.Field{{ID: "00", Value: "A011223344998877"}, {ID: "07", Value: "12345678"}}},
}

func TestCRC16(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want uint16
	}{
		{"123456789", 0x29B1}, // the standard check value of CRC-16/CCITT-FALSE
		{"", 0xFFFF},
		{"A", 0xB915},
		{emvcoSample[:len(emvcoSample)-4], 0xA13A},
	} {
		require.Equal(t, tc.want, emvqr.CRC16([]byte(tc.in)), "%q", tc.in)
	}
}

func TestEMVCoSample(t *testing.T) {
	t.Parallel()
	got, err := emvqr.Decode(emvcoSample)
	require.NoError(t, err)
	require.Equal(t, emvcoFields, got)
	payload, err := emvqr.Encode(emvcoFields)
	require.NoError(t, err)
	require.Equal(t, emvcoSample, payload)
}

// paycode is a Cashless-style receive code: a static code with the
// receiver's handle in a proprietary template.
func paycode() []emvqr.Field {
	return []emvqr.Field{
		{ID: "00", Value: "01"},
		{ID: "01", Value: "11"},
		{ID: "26", Sub: []emvqr.Field{{ID: "00", Value: "dev.cashless"}, {ID: "01", Value: "usr_01jdq3x8a2b7c9d4e5f6g7h8j9"}}},
		{ID: "52", Value: "0000"},
		{ID: "53", Value: "344"},
		{ID: "58", Value: "HK"},
		{ID: "59", Value: "Ada L."},
		{ID: "60", Value: "Hong Kong"},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	payload, err := emvqr.Encode(paycode())
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(payload, "000201010211265"), payload)
	require.Regexp(t, `6304[0-9A-F]{4}$`, payload)
	got, err := emvqr.Decode(payload)
	require.NoError(t, err)
	require.Equal(t, paycode(), got)

	// A template may be given as a raw value; it decodes to its sub-fields.
	raw := paycode()
	raw[2] = emvqr.Field{ID: "26", Value: "0012dev.cashless0130usr_01jdq3x8a2b7c9d4e5f6g7h8j9"}
	again, err := emvqr.Encode(raw)
	require.NoError(t, err)
	require.Equal(t, payload, again)
}

func TestTamperDetected(t *testing.T) {
	t.Parallel()
	payload, err := emvqr.Encode(paycode())
	require.NoError(t, err)
	// Changing any single character breaks the CRC or the structure.
	for i := range len(payload) {
		for _, c := range []byte{'0', '9', 'A', 'z', ' '} {
			if payload[i] == c {
				continue
			}
			tampered := payload[:i] + string(c) + payload[i+1:]
			_, err := emvqr.Decode(tampered)
			require.Equal(t, emvqr.InvalidPaycode, cashless.ErrorCode(err), "changed byte %d to %q", i, c)
		}
	}
	_, err = emvqr.Decode(strings.Replace(payload, "Ada L.", "Eve X.", 1))
	require.ErrorContains(t, err, "CRC does not match")
	lower := payload[:len(payload)-4] + strings.ToLower(payload[len(payload)-4:])
	if lower != payload {
		_, err = emvqr.Decode(lower)
		require.Equal(t, emvqr.InvalidPaycode, cashless.ErrorCode(err))
	}
}

// withCRC appends a correct CRC to body, so that a test reaches the checks
// behind it.
func withCRC(body string) string {
	body += "6304"
	return body + fmt.Sprintf("%04X", emvqr.CRC16([]byte(body)))
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	for name, payload := range map[string]string{
		"empty":               "",
		"short":               "6304",
		"no CRC":              "000201",
		"CRC not last":        withCRC("000201") + "5802HK",
		"bad CRC length":      "0002016305ABCDE",
		"empty body":          withCRC(""),
		"no format indicator": withCRC("5802HK"),
		"letters in an ID":    withCRC("000201A102HK"),
		"letters in a length": withCRC("0002015802H"),
		"length too long":     withCRC("0002015899HK"),
		"empty value":         withCRC("0002015800"),
		"two CRCs":            withCRC("00020163041234"),
		"bad template":        withCRC("0002012604abcd"),
		"cut template":        withCRC("00020126060005ab"),
		"empty sub-field":     withCRC("000201260400005802HK"),
		"invalid UTF-8":       withCRC("0002015902\xff\xfe"),
		"too long":            withCRC("000201" + strings.Repeat("5999"+strings.Repeat("x", 99), 5)),
	} {
		_, err := emvqr.Decode(payload)
		var e *cashless.Error
		require.ErrorAs(t, err, &e, name)
		require.Equal(t, emvqr.InvalidPaycode, e.Code, name)
	}
	// Error messages never repeat the payload.
	_, err := emvqr.Decode(withCRC("0002015999" + "secret"))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret")
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100)
	pfi := emvqr.Field{ID: "00", Value: "01"}
	for name, fields := range map[string][]emvqr.Field{
		"no fields":          nil,
		"not first":          {{ID: "59", Value: "Shop"}, pfi},
		"one-digit ID":       {pfi, {ID: "5", Value: "x"}},
		"letter ID":          {pfi, {ID: "5a", Value: "x"}},
		"three-digit ID":     {pfi, {ID: "590", Value: "x"}},
		"empty value":        {pfi, {ID: "59", Value: ""}},
		"value too long":     {pfi, {ID: "59", Value: long}},
		"invalid UTF-8":      {pfi, {ID: "59", Value: "\xff"}},
		"CRC given":          {pfi, {ID: "63", Value: "ABCD"}},
		"sub on primitive":   {pfi, {ID: "59", Sub: []emvqr.Field{{ID: "00", Value: "x"}}}},
		"value and sub":      {pfi, {ID: "26", Value: "0001x", Sub: []emvqr.Field{{ID: "00", Value: "x"}}}},
		"empty template":     {pfi, {ID: "26", Sub: []emvqr.Field{}}},
		"nested template":    {pfi, {ID: "26", Sub: []emvqr.Field{{ID: "26", Sub: []emvqr.Field{{ID: "00", Value: "x"}}}}}},
		"bad sub ID":         {pfi, {ID: "62", Sub: []emvqr.Field{{ID: "x", Value: "x"}}}},
		"template too long":  {pfi, {ID: "62", Sub: []emvqr.Field{{ID: "05", Value: strings.Repeat("x", 60)}, {ID: "07", Value: strings.Repeat("x", 60)}}}},
		"raw template value": {pfi, {ID: "26", Value: "not tlv"}},
		"payload too long":   {pfi, {ID: "59", Value: long[:99]}, {ID: "60", Value: long[:99]}, {ID: "80", Value: "00" + "97" + long[:97]}, {ID: "81", Value: "00" + "97" + long[:97]}, {ID: "82", Value: "00" + "97" + long[:97]}, {ID: "83", Value: "0001x"}},
	} {
		_, err := emvqr.Encode(fields)
		require.Equal(t, cashless.EInvalid, cashless.ErrorCode(err), name)
	}
	// Lengths count characters: a template of 99 characters, most of them Chinese, fits.
	payload, err := emvqr.Encode([]emvqr.Field{pfi, {ID: "64", Sub: []emvqr.Field{{ID: "00", Value: "ZH"}, {ID: "01", Value: strings.Repeat("店", 89)}}}})
	require.NoError(t, err)
	require.Contains(t, payload, "64990002ZH0189店店")
}

func TestIsTemplate(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"00": false, "25": false, "26": true, "51": true, "52": false, "62": true, "63": false,
		"64": true, "65": false, "79": false, "80": true, "99": true, "9": false, "xx": false, "100": false,
	} {
		require.Equal(t, want, emvqr.IsTemplate(id), id)
	}
}

func TestPNG(t *testing.T) {
	t.Parallel()
	payload, err := emvqr.Encode(paycode())
	require.NoError(t, err)
	for _, size := range []int{256, 300, 512} {
		data, err := emvqr.PNG(payload, size)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		require.Equal(t, size, img.Bounds().Dx())
		require.Equal(t, size, img.Bounds().Dy())
		// The corners are quiet zone (white); the finder pattern's corner,
		// past the quiet zone, is black.
		white := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r == 0xffff }
		require.True(t, white(0, 0))
		require.True(t, white(size-1, size-1))
		dark := 0
		for y := range size {
			for x := range size {
				if !white(x, y) {
					dark++
				}
			}
		}
		require.Greater(t, dark, size*size/8, "a QR code is drawn")
		require.Less(t, dark, size*size/2)
	}
	_, err = emvqr.PNG(payload, 10)
	require.Error(t, err, "too small to show the modules")
	_, err = emvqr.PNG(payload, emvqr.MaxPNGSize+1)
	require.Error(t, err)
	_, err = emvqr.PNG(strings.Repeat("x", 3000), 512)
	require.Error(t, err, "too much data for a QR code")
	require.NotContains(t, err.Error(), "xxxx")
}

// FuzzDecode checks that Decode never panics, that whatever it accepts
// encodes back to the same payload, and that it refuses with
// InvalidPaycode only. When fix is set the fuzzer's input gets a correct
// CRC appended, so that mutations reach the parser behind the checksum.
func FuzzDecode(f *testing.F) {
	good, _ := emvqr.Encode(paycode())
	for _, seed := range []string{emvcoSample, good, "", "6304ABCD", "0002016304"} {
		f.Add(seed, false)
	}
	for _, body := range []string{"000201", "0002016207050312345", "0002016499", "0002012604abcd", "000201640800020Z0101店"} {
		f.Add(body, true)
	}
	f.Fuzz(func(t *testing.T, payload string, fix bool) {
		if fix {
			payload = withCRC(payload)
		}
		fields, err := emvqr.Decode(payload)
		if err != nil {
			require.Equal(t, emvqr.InvalidPaycode, cashless.ErrorCode(err))
			return
		}
		again, err := emvqr.Encode(fields)
		require.NoError(t, err)
		require.Equal(t, payload, again)
	})
}
