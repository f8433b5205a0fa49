package emvqr

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cashless-dev/cashless"
)

// InvalidPaycode is the code of the error Decode returns for a payload that
// is malformed or whose CRC does not match.
const InvalidPaycode = "invalid_paycode"

// Well-known data object IDs.
const (
	// IDPayloadFormat is the payload format indicator, always first, with
	// value "01".
	IDPayloadFormat = "00"
	// IDCRC is the checksum, always last; Encode appends it.
	IDCRC = "63"
)

// MaxPayload is the longest payload, in characters, the specification
// allows.
const MaxPayload = 512

// maxValue is the longest value a data object may hold, in characters.
const maxValue = 99

// Field is one data object of a payload.
type Field struct {
	// ID is the two-digit identifier, such as "59" for the merchant name.
	ID string
	// Value is the value of a primitive data object.
	Value string
	// Sub holds the data objects of a template (IDs 26 to 51, 62, 64 and
	// 80 to 99) in place of Value.
	Sub []Field
}

// IsTemplate reports whether the data object with the given ID is a
// template, whose value is a list of data objects.
func IsTemplate(id string) bool {
	if len(id) != 2 || !isDigit(id[0]) || !isDigit(id[1]) {
		return false
	}
	n := int(id[0]-'0')*10 + int(id[1]-'0')
	return (n >= 26 && n <= 51) || n == 62 || n == 64 || n >= 80
}

// Encode writes fields as a payload and appends the CRC data object:
// "6304" and the upper-case hexadecimal CRC16 of everything before it,
// "6304" included. The first field must be the payload format indicator
// (ID 00), and fields may not include the CRC themselves. A template field
// carries either Sub or Value, never both; sub-fields are primitive. Every
// value must be valid UTF-8 of 1 to 99 characters and the payload at most
// MaxPayload characters; anything else is an error with code
// cashless.EInvalid.
func Encode(fields []Field) (string, error) {
	if len(fields) == 0 || fields[0].ID != IDPayloadFormat {
		return "", cashless.Errorf(cashless.EInvalid, "a payload must start with the payload format indicator (ID 00)")
	}
	var b strings.Builder
	for _, f := range fields {
		if f.ID == IDCRC {
			return "", cashless.Errorf(cashless.EInvalid, "field 63 (CRC) is appended by Encode")
		}
		if err := encodeField(&b, f, true); err != nil {
			return "", err
		}
	}
	b.WriteString(IDCRC + "04")
	payload := b.String()
	payload += fmt.Sprintf("%04X", CRC16([]byte(payload)))
	if n := utf8.RuneCountInString(payload); n > MaxPayload {
		return "", cashless.Errorf(cashless.EInvalid, "the payload has %d characters: at most %d fit", n, MaxPayload)
	}
	return payload, nil
}

func encodeField(b *strings.Builder, f Field, top bool) error {
	if len(f.ID) != 2 || !isDigit(f.ID[0]) || !isDigit(f.ID[1]) {
		return cashless.Errorf(cashless.EInvalid, "field ID %q is not two digits", truncate(f.ID))
	}
	value := f.Value
	if f.Sub != nil {
		switch {
		case !top:
			return cashless.Errorf(cashless.EInvalid, "field %s: templates do not nest", f.ID)
		case !IsTemplate(f.ID):
			return cashless.Errorf(cashless.EInvalid, "field %s is not a template and cannot have sub-fields", f.ID)
		case f.Value != "":
			return cashless.Errorf(cashless.EInvalid, "field %s has both a value and sub-fields", f.ID)
		}
		var sb strings.Builder
		for _, s := range f.Sub {
			if err := encodeField(&sb, s, false); err != nil {
				return fmt.Errorf("field %s: %w", f.ID, err)
			}
		}
		value = sb.String()
	} else if top && IsTemplate(f.ID) {
		if _, err := parse(value); err != nil {
			return cashless.Errorf(cashless.EInvalid, "template %s: %s", f.ID, err)
		}
	}
	if !utf8.ValidString(value) {
		return cashless.Errorf(cashless.EInvalid, "field %s is not valid UTF-8", f.ID)
	}
	n := utf8.RuneCountInString(value)
	if n < 1 || n > maxValue {
		return cashless.Errorf(cashless.EInvalid, "field %s has %d characters: want 1 to %d", f.ID, n, maxValue)
	}
	fmt.Fprintf(b, "%s%02d%s", f.ID, n, value)
	return nil
}

// Decode parses a payload and checks its CRC. It returns the data objects
// before the CRC, with the sub-fields of every template in Sub, so that
// Encode of the result gives the payload back. A payload that is not valid
// UTF-8, is longer than MaxPayload characters, does not start with ID 00,
// is not a well-formed list of data objects (templates included), or does
// not end with a matching upper-case CRC is an error with code
// InvalidPaycode. Error messages never repeat the payload's content.
func Decode(payload string) ([]Field, error) {
	if !utf8.ValidString(payload) {
		return nil, invalid("the payload is not valid UTF-8")
	}
	if utf8.RuneCountInString(payload) > MaxPayload {
		return nil, invalid("the payload is longer than %d characters", MaxPayload)
	}
	const crcLen = 8 // "6304" and four hex digits
	if len(payload) < crcLen || payload[len(payload)-crcLen:len(payload)-4] != IDCRC+"04" {
		return nil, invalid("the payload does not end with a CRC")
	}
	body := payload[:len(payload)-4]
	if want := fmt.Sprintf("%04X", CRC16([]byte(body))); payload[len(body):] != want {
		return nil, invalid("the CRC does not match")
	}
	fields, err := parse(payload[:len(payload)-crcLen])
	if err != nil {
		return nil, invalid("%s", err)
	}
	if len(fields) == 0 || fields[0].ID != IDPayloadFormat {
		return nil, invalid("the payload does not start with the payload format indicator")
	}
	for i, f := range fields {
		if f.ID == IDCRC {
			return nil, invalid("the CRC appears before the end")
		}
		if IsTemplate(f.ID) {
			sub, err := parse(f.Value)
			if err != nil {
				return nil, invalid("template %s: %s", f.ID, err)
			}
			fields[i] = Field{ID: f.ID, Sub: sub}
		}
	}
	return fields, nil
}

// parse splits s into primitive data objects.
func parse(s string) ([]Field, error) {
	var fields []Field
	for offset := 0; s != ""; {
		if len(s) < 4 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
			return nil, fmt.Errorf("no ID and length at offset %d", offset)
		}
		id, n := s[:2], int(s[2]-'0')*10+int(s[3]-'0')
		if n == 0 {
			return nil, fmt.Errorf("field %s at offset %d is empty", id, offset)
		}
		end := 4
		for range n {
			if end >= len(s) {
				return nil, fmt.Errorf("field %s at offset %d is cut short", id, offset)
			}
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
		}
		fields = append(fields, Field{ID: id, Value: s[4:end]})
		s = s[end:]
		offset += end
	}
	return fields, nil
}

func invalid(format string, args ...any) error {
	return cashless.Errorf(InvalidPaycode, "invalid paycode: "+format, args...)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// truncate shortens a caller's ID for an error message.
func truncate(s string) string {
	if len(s) > 8 {
		return s[:8] + "..."
	}
	return s
}
