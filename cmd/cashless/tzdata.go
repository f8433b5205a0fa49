package main

// The limits of each KYC tier run on calendar days in a configured time
// zone (Asia/Hong_Kong by default); embedding the zone database keeps them
// right on machines and containers without /usr/share/zoneinfo.
import _ "time/tzdata"
