package identity

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, region, want string }{
		{"+85291234567", "HK", "+85291234567"},
		{" +85291234567\t", "HK", "+85291234567"},
		// National input, as a Hong Kong user types it, in the default region.
		{"9123 4567", "HK", "+85291234567"},
		{"91234567", "HK", "+85291234567"},
		{"+852 9123 4567", "HK", "+85291234567"},
		{"+852-9123-4567", "HK", "+85291234567"},
		{"(+852) 6123 4567", "HK", "+85261234567"},
		// International input does not depend on the region.
		{"+852 9123 4567", "US", "+85291234567"},
		{"+44 7911 123456", "HK", "+447911123456"},
		{"07911 123456", "GB", "+447911123456"},
		// Where the plan does not tell mobiles from fixed lines (US), both pass.
		{"(415) 555-2671", "US", "+14155552671"},
	} {
		got, err := NormalizePhone(tc.in, tc.region)
		require.NoError(t, err, "%q in %s", tc.in, tc.region)
		require.Equal(t, tc.want, got, "%q in %s", tc.in, tc.region)
	}
	for _, in := range []string{
		"", "+", "12", "+12345678", // too short for any plan
		"+85290000001", "+85299990000", // the shape of a Hong Kong mobile, but not in a mobile range
		"2123 4567", "+852 2123 4567", "+442071234567", // fixed lines
		"+852 7900 0000", // a pager
		"+8529123456789", // too long
		"++85291234567", "+8529123456a", "+852 9123 4567 ext. 8", "tel:+85291234567", "1-800-FLOWERS",
		"+８５２９１２３４５６７",                                 // full-width digits
		"+852 9123" + strings.Repeat(" ", 30) + "4567", // too long to parse
	} {
		_, err := NormalizePhone(in, "HK")
		e := &cashless.Error{}
		require.ErrorAs(t, err, &e, "%q", in)
		require.Equal(t, EInvalidPhone, e.Code, "%q", in)
		require.Equal(t, "phone", e.Param)
	}
}

func TestOptionsPhoneRegion(t *testing.T) {
	t.Parallel()
	base := Options{TokenKey: make([]byte, 32), Sender: SenderFunc(nil)}
	o, err := base.withDefaults()
	require.NoError(t, err)
	require.Equal(t, "HK", o.PhoneRegion)
	base.PhoneRegion = "gb"
	o, err = base.withDefaults()
	require.NoError(t, err)
	require.Equal(t, "GB", o.PhoneRegion)
	base.PhoneRegion = "XX"
	_, err = base.withDefaults()
	require.ErrorContains(t, err, "PhoneRegion")
	base.PhoneRegion, base.Sender = "", nil
	_, err = base.withDefaults()
	require.ErrorContains(t, err, "Sender")
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+85291234567", "9123 4567", "+1 (415) 555-2671", "+852 2123 4567", "007 123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s, DefaultPhoneRegion)
		if err != nil {
			if cashless.ErrorCode(err) != EInvalidPhone {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if got[0] != '+' || len(got) > 16 {
			t.Fatalf("%q normalized to %q, not E.164", s, got)
		}
		if again, err := NormalizePhone(got, "US"); err != nil || again != got {
			t.Fatalf("%q normalized to %q, which does not normalize to itself", s, got)
		}
	})
}
