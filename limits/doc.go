// Package limits declares how much money a wallet user may send in each
// KYC tier, and the calendar windows those caps are counted over.
//
// A Config holds, for each tier (0, 1 and 2) and each currency, a cap per
// calendar day, month and year, in minor units of the currency; the time
// zone whose calendar the windows follow; and, per currency, the amount above
// which a send needs a TOTP step-up from users who enrolled one. Default
// returns PayMe's published HKD tiers. A currency with no caps in a tier is
// refused in that tier.
//
// Windows are calendar periods, not rolling ones: a day is midnight to
// midnight in the configured zone, so in Hong Kong (UTC+8) 15:59:59Z and
// 16:00:00Z fall on different days. Window keys ("day:2026-11-29",
// "month:2026-11", "year:2026") name the period a usage counter belongs to.
//
// Load reads a YAML file on top of the defaults; example.yaml in this
// directory documents every field. The keys are:
//
//	time_zone: Asia/Hong_Kong      # IANA zone of the calendar
//	step_up_threshold:             # per currency, in major units
//	  HKD: "5000.00"
//	tiers:                         # tier -> currency -> period -> cap
//	  1:
//	    HKD: {day: "5000.00", month: "30000.00", year: "100000.00"}
//
// Amounts in the file are decimal numbers in the currency's major unit
// (HK$5,000 is "5000" or "5000.00"), parsed exactly with money.Parse; the
// Config holds them in minor units. Anything the file leaves out keeps its
// default, and null removes a default (a cap, a currency from a tier, or a
// step-up threshold). The programs that use this package should embed the
// time zone database (import _ "time/tzdata" in main) so that the zone loads
// on machines without one.
package limits
