// Package bench is the library behind `cashless bench ledger`: it drives a
// ledger.Service (the engine in-process or a remote client) with one of the
// workloads of BENCH.md, in closed loop (fixed concurrency, maximum
// throughput) or open loop (a fixed offered rate, latency measured from each
// op's due time so that a slow server cannot hide its queueing delay), then
// checks the ledger's invariants and reports throughput and latency
// percentiles as a table or as one JSON line.
//
// Setup (accounts and funding) is not timed. Every run uses fresh account and
// transfer ids under a random prefix, so runs can share a database that
// `cashless verify` checks afterwards.
//
// With Config.Raw the run also measures the raw limit: how fast the same
// database accepts transfer-sized rows with no validation at all. The
// ledger's efficiency is its throughput divided by that limit.
//
// A command wires it up like this (the engine and database are the caller's
// to open and close):
//
//	res, err := bench.RunLedger(ctx, bench.Target{Service: eng, Store: store, DB: db}, cfg)
//	if err != nil {
//		return err // includes broken invariants
//	}
//	res.WriteTable(os.Stdout)
//	if jsonFlag {
//		res.WriteJSON(os.Stdout)
//	}
package bench
