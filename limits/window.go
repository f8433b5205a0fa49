package limits

import (
	"fmt"
	"sync"
	"time"
)

// Window is one calendar period, the span a usage counter adds up sends
// over.
type Window struct {
	// Period is the kind of period.
	Period Period
	// Key names the period in the configured zone's calendar:
	// "day:2026-11-29", "month:2026-11" or "year:2026".
	Key string
	// Start is the first instant of the period and End the first instant
	// after it, both in UTC.
	Start, End time.Time
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// Windows returns the day, month and year that contain t, in that order,
// following the calendar of the configured time zone. A day is midnight to
// midnight local time, so it lasts 23 or 25 hours when the zone's clocks
// change. The only error is a time zone that does not load.
func (c *Config) Windows(t time.Time) ([]Window, error) {
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	y, m, d := t.In(loc).Date()
	return []Window{
		{Period: Day, Key: fmt.Sprintf("day:%04d-%02d-%02d", y, m, d), Start: midnight(y, m, d, loc), End: midnight(y, m, d+1, loc)},
		{Period: Month, Key: fmt.Sprintf("month:%04d-%02d", y, m), Start: midnight(y, m, 1, loc), End: midnight(y, m+1, 1, loc)},
		{Period: Year, Key: fmt.Sprintf("year:%04d", y), Start: midnight(y, 1, 1, loc), End: midnight(y+1, 1, 1, loc)},
	}, nil
}

// midnight returns the first instant of a local date, in UTC. Where the
// clocks spring forward at midnight, the date has no 00:00 and time.Date may
// answer with the previous evening; the date then starts when the gap ends.
func midnight(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // normalises d past month end
	if ty, tm, td := t.Date(); ty != want.Year() || tm != want.Month() || td != want.Day() {
		_, end := t.ZoneBounds()
		t = end
	}
	return t.UTC()
}

// zones caches loaded time zones: time.LoadLocation reads the zone database
// on every call, and Windows runs on every send.
var zones sync.Map // IANA name -> *time.Location

// location returns the configured time zone.
func (c *Config) location() (*time.Location, error) {
	name := c.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time_zone: cannot load %q: %w", name, err)
	}
	zones.Store(name, loc)
	return loc, nil
}
