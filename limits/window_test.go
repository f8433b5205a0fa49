package limits_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/limits"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestWindows(t *testing.T) {
	t.Parallel()
	type span struct{ key, start, end string }
	for _, tc := range []struct {
		zone, at         string
		day, month, year span
	}{
		{
			zone: "Asia/Hong_Kong", at: "2026-11-29T15:59:59Z",
			day:   span{"day:2026-11-29", "2026-11-28T16:00:00Z", "2026-11-29T16:00:00Z"},
			month: span{"month:2026-11", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z"},
			year:  span{"year:2026", "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z"},
		},
		{
			zone: "Asia/Hong_Kong", at: "2026-11-29T16:00:00Z",
			day:   span{"day:2026-11-30", "2026-11-29T16:00:00Z", "2026-11-30T16:00:00Z"},
			month: span{"month:2026-11", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z"},
			year:  span{"year:2026", "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z"},
		},
		{
			// The last second of 2026 in Hong Kong, and the first of 2027.
			zone: "", at: "2026-12-31T15:59:59Z",
			day:   span{"day:2026-12-31", "2026-12-30T16:00:00Z", "2026-12-31T16:00:00Z"},
			month: span{"month:2026-12", "2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z"},
			year:  span{"year:2026", "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z"},
		},
		{
			zone: "", at: "2026-12-31T16:00:00Z",
			day:   span{"day:2027-01-01", "2026-12-31T16:00:00Z", "2027-01-01T16:00:00Z"},
			month: span{"month:2027-01", "2026-12-31T16:00:00Z", "2027-01-31T16:00:00Z"},
			year:  span{"year:2027", "2026-12-31T16:00:00Z", "2027-12-31T16:00:00Z"},
		},
		{
			zone: "Asia/Hong_Kong", at: "2028-02-29T12:00:00+08:00",
			day:   span{"day:2028-02-29", "2028-02-28T16:00:00Z", "2028-02-29T16:00:00Z"},
			month: span{"month:2028-02", "2028-01-31T16:00:00Z", "2028-02-29T16:00:00Z"},
			year:  span{"year:2028", "2027-12-31T16:00:00Z", "2028-12-31T16:00:00Z"},
		},
		{
			// London springs forward at 01:00Z on 29 March 2026: a 23-hour day.
			zone: "Europe/London", at: "2026-03-29T12:00:00Z",
			day:   span{"day:2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"},
			month: span{"month:2026-03", "2026-03-01T00:00:00Z", "2026-03-31T23:00:00Z"},
			year:  span{"year:2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		},
		{
			// London falls back at 01:00Z on 25 October 2026: a 25-hour day,
			// starting at midnight BST.
			zone: "Europe/London", at: "2026-10-25T23:59:59Z",
			day:   span{"day:2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"},
			month: span{"month:2026-10", "2026-09-30T23:00:00Z", "2026-11-01T00:00:00Z"},
			year:  span{"year:2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		},
		{
			zone: "Europe/London", at: "2026-10-24T22:59:59Z",
			day:   span{"day:2026-10-24", "2026-10-23T23:00:00Z", "2026-10-24T23:00:00Z"},
			month: span{"month:2026-10", "2026-09-30T23:00:00Z", "2026-11-01T00:00:00Z"},
			year:  span{"year:2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		},
		{
			// Santiago springs forward at midnight: 6 September 2026 has no
			// 00:00 and starts at 01:00 -03 (04:00Z).
			zone: "America/Santiago", at: "2026-09-06T04:00:00Z",
			day:   span{"day:2026-09-06", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"},
			month: span{"month:2026-09", "2026-09-01T04:00:00Z", "2026-10-01T03:00:00Z"},
			year:  span{"year:2026", "2026-01-01T03:00:00Z", "2027-01-01T03:00:00Z"},
		},
		{
			zone: "America/Santiago", at: "2026-09-06T03:59:59Z",
			day:   span{"day:2026-09-05", "2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z"},
			month: span{"month:2026-09", "2026-09-01T04:00:00Z", "2026-10-01T03:00:00Z"},
			year:  span{"year:2026", "2026-01-01T03:00:00Z", "2027-01-01T03:00:00Z"},
		},
	} {
		t.Run(tc.zone+" "+tc.at, func(t *testing.T) {
			t.Parallel()
			c := &limits.Config{TimeZone: tc.zone}
			at, err := time.Parse(time.RFC3339, tc.at)
			require.NoError(t, err)
			got, err := c.Windows(at)
			require.NoError(t, err)
			want := []limits.Window{
				{Period: limits.Day, Key: tc.day.key, Start: utc(tc.day.start), End: utc(tc.day.end)},
				{Period: limits.Month, Key: tc.month.key, Start: utc(tc.month.start), End: utc(tc.month.end)},
				{Period: limits.Year, Key: tc.year.key, Start: utc(tc.year.start), End: utc(tc.year.end)},
			}
			require.Equal(t, want, got)
			for _, w := range got {
				require.True(t, w.Contains(at), w.Key)
				require.Equal(t, time.UTC, w.Start.Location())
				require.Equal(t, time.UTC, w.End.Location())
			}
		})
	}
}

// TestWindowsTile walks through years in zones with and without daylight
// saving time and checks that windows contain the instant, start on the
// local date they name, and tile time without gaps or overlaps.
func TestWindowsTile(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Asia/Hong_Kong", "Europe/London", "America/Santiago", "Asia/Beirut", "Australia/Lord_Howe", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			c := &limits.Config{TimeZone: zone}
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			end := utc("2028-01-01T00:00:00Z")
			for at := utc("2024-12-30T00:00:00Z"); at.Before(end); at = at.Add(7*time.Hour + 13*time.Minute + 17*time.Second) {
				ws, err := c.Windows(at)
				require.NoError(t, err)
				require.Len(t, ws, 3)
				local := at.In(loc)
				wantKeys := []string{local.Format("day:2006-01-02"), local.Format("month:2006-01"), local.Format("year:2006")}
				for i, w := range ws {
					require.Equal(t, wantKeys[i], w.Key, "at %s", at)
					require.True(t, w.Contains(at), "%s does not contain %s", w.Key, at)
					require.Equal(t, w.Key, fmt.Sprintf("%s:%s", w.Period, w.Start.In(loc).Format(keyLayout(w.Period))), "start of %s", w.Key)
					require.False(t, w.Contains(w.Start.Add(-time.Nanosecond)), "%s starts late", w.Key)
					next, err := c.Windows(w.End)
					require.NoError(t, err)
					require.Equal(t, w.End, next[i].Start, "%s is not followed by the next period", w.Key)
					require.NotEqual(t, w.Key, next[i].Key)
				}
				hours := ws[0].End.Sub(ws[0].Start).Hours()
				require.True(t, hours >= 22.5 && hours <= 25, "day %s lasts %v hours", ws[0].Key, hours)
			}
		})
	}
}

func keyLayout(p limits.Period) string {
	switch p {
	case limits.Day:
		return "2006-01-02"
	case limits.Month:
		return "2006-01"
	}
	return "2006"
}

func TestWindowsBadZone(t *testing.T) {
	t.Parallel()
	_, err := (&limits.Config{TimeZone: "Atlantis/Capital"}).Windows(time.Now())
	require.ErrorContains(t, err, "time_zone")
}
