package ledgerhttp_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

// scenario is a wallet's life: a top-up, a payment, refusals of every kind,
// a linked chain, refusals sent again, pending transfers posted and voided,
// then lookups, past balances and history pages.
func scenario() []step {
	wallet := ledger.Account{ID: "wallet_1", Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits}
	bank := ledger.Account{ID: "bank", Currency: "HKD", Code: "bank"}
	fees := ledger.Account{ID: "fees", Currency: "HKD", Code: "fees"}
	walletUSD := wallet
	walletUSD.Currency = "USD"

	xfer := func(id, debit, credit string, amount int64, code string) ledger.Transfer {
		return ledger.Transfer{ID: id, DebitAccountID: debit, CreditAccountID: credit, Amount: amount, Currency: "HKD", Code: code}
	}
	t1 := xfer("t1", "bank", "wallet_1", 1000, "topup")
	t2 := xfer("t2", "wallet_1", "bank", 200, "p2p")
	t1Changed := t1
	t1Changed.Amount = 999
	l1 := xfer("l1", "wallet_1", "fees", 10, "fee")
	l1.Flags = ledger.Linked
	l2 := xfer("l2", "wallet_1", "ghost", 10, "payment")
	l2.Flags = ledger.Linked
	l3 := xfer("l3", "bank", "wallet_1", 5, "refund")
	t3 := xfer("t3", "wallet_1", "bank", 5000, "p2p")
	t3Changed := t3
	t3Changed.Amount = 500
	p1 := xfer("p1", "wallet_1", "bank", 300, "payment")
	p1.Flags, p1.Timeout, p1.Metadata = ledger.Pending, time.Hour, `{"order":"A-17"}`
	pp1 := ledger.Transfer{ID: "pp1", Flags: ledger.PostPending, PendingID: "p1", Amount: 100}
	p2 := xfer("p2", "wallet_1", "bank", 50, "payment")
	p2.Flags = ledger.Pending
	v2 := ledger.Transfer{ID: "v2", Flags: ledger.VoidPending, PendingID: "p2"}
	pp1Again := ledger.Transfer{ID: "pp1_again", Flags: ledger.PostPending, PendingID: "p1"}

	tooMany := make([]ledger.Transfer, ledgerhttp.MaxItems+1)
	for i := range tooMany {
		tooMany[i] = xfer(fmt.Sprintf("bulk_%d", i), "bank", "wallet_1", 1, "topup")
	}
	huge := xfer("huge", "wallet_1", "bank", 1, "p2p")
	huge.Metadata = strings.Repeat("x", ledger.MaxFieldBytes+1)
	µs := time.Microsecond

	// The wallet's balances after each of its transfers.
	afterT1 := ledger.Balances{CreditsPosted: 1000}
	afterT2 := ledger.Balances{CreditsPosted: 1000, DebitsPosted: 200}
	afterP1 := ledger.Balances{CreditsPosted: 1000, DebitsPosted: 200, DebitsPending: 300}
	afterPP1 := ledger.Balances{CreditsPosted: 1000, DebitsPosted: 300}
	afterP2 := ledger.Balances{CreditsPosted: 1000, DebitsPosted: 300, DebitsPending: 50}
	afterV2 := afterPP1

	return []step{
		{name: "create accounts", sec: 1, call: createAccounts(wallet, bank, fees),
			want: []result{done(1), done(1), done(1)}},
		{name: "create accounts again replays", sec: 2, call: createAccounts(wallet, bank, fees),
			want: []result{replayed(1), replayed(1), replayed(1)}},
		{name: "account with other fields or a bad id", sec: 3,
			call: createAccounts(walletUSD, ledger.Account{ID: "bad id", Currency: "HKD"}),
			want: []result{refused(ledger.ExistsWithDifferentFields), refused(ledger.InvalidID)}},
		{name: "no accounts", call: createAccounts(), want: []result{}},

		{name: "top up", sec: 4, call: createTransfers(t1), want: []result{done(4)}},
		{name: "pay", sec: 5, call: createTransfers(t2), want: []result{done(5)}},
		{name: "replay returns the first timestamp", sec: 6, call: createTransfers(t1), want: []result{replayed(4)}},
		{name: "same id other amount", sec: 7, call: createTransfers(t1Changed),
			want: []result{refused(ledger.ExistsWithDifferentFields)}},
		{name: "overdraw", sec: 8, call: createTransfers(t3),
			want: []result{refusedAt(ledger.ExceedsCredits, at(8))}},
		{name: "unknown debit account", sec: 9, call: createTransfers(xfer("t4", "ghost", "wallet_1", 10, "p2p")),
			want: []result{refusedAt(ledger.DebitAccountNotFound, at(9))}},
		{name: "linked chain with a bad member fails whole", sec: 10, call: createTransfers(l1, l2, l3),
			want: []result{refusedAt(ledger.LinkedEventFailed, at(10)), refusedAt(ledger.CreditAccountNotFound, at(10).Add(µs)),
				refusedAt(ledger.LinkedEventFailed, at(10).Add(2*µs))}},
		{name: "failed chain moved nothing", call: balanceAt("fees", time.Time{}), want: ledger.Balances{}},
		{name: "overdraw again replays its refusal", sec: 10, call: createTransfers(t3),
			want: []result{replayedRefusal(ledger.ExceedsCredits, at(8))}},
		{name: "refused id with another amount", sec: 10, call: createTransfers(t3Changed),
			want: []result{refused(ledger.ExistsWithDifferentFields)}},
		{name: "failed chain again replays each refusal", sec: 10, call: createTransfers(l1, l2, l3),
			want: []result{replayedRefusal(ledger.LinkedEventFailed, at(10)), replayedRefusal(ledger.CreditAccountNotFound, at(10).Add(µs)),
				replayedRefusal(ledger.LinkedEventFailed, at(10).Add(2*µs))}},
		{name: "no transfers", call: createTransfers(), want: []result(nil)},
		{name: "too many transfers", call: createTransfers(tooMany...), code: ledger.TooManyEvents},
		{name: "a field too long to record", call: createTransfers(huge), code: ledger.FieldTooLong},

		{name: "pending", sec: 11, call: createTransfers(p1), want: []result{done(11)}},
		{name: "balance now", call: balanceAt("wallet_1", time.Time{}), want: afterP1},
		{name: "post part of the pending amount", sec: 13, call: createTransfers(pp1), want: []result{done(13)}},
		{name: "pending and its void in one call", sec: 14, call: createTransfers(p2, v2),
			want: []result{done(14), {Timestamp: at(14).Add(µs)}}},
		{name: "post again", sec: 15, call: createTransfers(pp1Again),
			want: []result{refusedAt(ledger.PendingTransferPosted, at(15))}},

		{name: "look up accounts", call: func(ctx context.Context, svc ledger.Service) (any, error) {
			return svc.LookupAccounts(ctx, []string{"wallet_1", "ghost", "bank"})
		}, want: []ledger.Account{
			{ID: "wallet_1", Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits, Balances: afterV2, Created: at(1)},
			{ID: "bank", Currency: "HKD", Code: "bank", Balances: ledger.Balances{DebitsPosted: 1000, CreditsPosted: 300}, Created: at(1)},
		}},
		{name: "look up unknown accounts", call: func(ctx context.Context, svc ledger.Service) (any, error) {
			return svc.LookupAccounts(ctx, []string{"ghost"})
		}, want: []ledger.Account{}},
		{name: "look up transfers", call: func(ctx context.Context, svc ledger.Service) (any, error) {
			return svc.LookupTransfers(ctx, []string{"t1", "ghost", "p1", "pp1", "v2", "l1"})
		}, want: []ledger.Transfer{
			committed(t1, at(4)), committed(p1, at(11)), resolved(pp1, p1, 100, at(13)), resolved(v2, p2, 50, at(14).Add(µs)),
		}},

		{name: "balance before the first transfer", call: balanceAt("wallet_1", at(4).Add(-µs)), want: ledger.Balances{}},
		{name: "balance at the first transfer", call: balanceAt("wallet_1", at(4)), want: afterT1},
		{name: "balance between transfers", call: balanceAt("wallet_1", at(12).Add(123456789)), want: afterP1},
		{name: "bank balance after the post", call: balanceAt("bank", at(13)),
			want: ledger.Balances{DebitsPosted: 1000, CreditsPosted: 300}},
		{name: "balance of an unknown account", call: balanceAt("ghost", time.Time{}), code: ledger.AccountNotFound},
		{name: "balance of an empty id", call: balanceAt("", at(4)), code: ledger.AccountNotFound},
		{name: "balance of a dot-dot id", call: balanceAt("..", time.Time{}), code: ledger.AccountNotFound},

		{name: "history first page", call: history(ledger.HistoryFilter{AccountID: "wallet_1", Limit: 2}),
			want: ledger.HistoryPage{HasMore: true, Entries: []ledger.HistoryEntry{
				{Transfer: resolved(v2, p2, 50, at(14).Add(µs)), Balances: afterV2},
				{Transfer: committed(p2, at(14)), Balances: afterP2},
			}}},
		{name: "history second page", call: history(ledger.HistoryFilter{AccountID: "wallet_1", Limit: 2, StartingAfter: "p2"}),
			want: ledger.HistoryPage{HasMore: true, Entries: []ledger.HistoryEntry{
				{Transfer: resolved(pp1, p1, 100, at(13)), Balances: afterPP1},
				{Transfer: committed(p1, at(11)), Balances: afterP1},
			}}},
		{name: "history last page", call: history(ledger.HistoryFilter{AccountID: "wallet_1", Limit: 2, StartingAfter: "p1"}),
			want: ledger.HistoryPage{Entries: []ledger.HistoryEntry{
				{Transfer: committed(t2, at(5)), Balances: afterT2},
				{Transfer: committed(t1, at(4)), Balances: afterT1},
			}}},
		{name: "history page before", call: history(ledger.HistoryFilter{AccountID: "wallet_1", Limit: 2, EndingBefore: "p1"}),
			want: ledger.HistoryPage{HasMore: true, Entries: []ledger.HistoryEntry{
				{Transfer: committed(p2, at(14)), Balances: afterP2},
				{Transfer: resolved(pp1, p1, 100, at(13)), Balances: afterPP1},
			}}},
		{name: "history of an account without transfers", call: history(ledger.HistoryFilter{AccountID: "fees"}),
			want: ledger.HistoryPage{Entries: []ledger.HistoryEntry{}}},
		{name: "history with both cursors", code: cashless.EInvalid,
			call: history(ledger.HistoryFilter{AccountID: "wallet_1", StartingAfter: "t2", EndingBefore: "t1"})},
		{name: "history with a bad limit", call: history(ledger.HistoryFilter{AccountID: "wallet_1", Limit: -1}), code: cashless.EInvalid},
		{name: "history of an unknown account", call: history(ledger.HistoryFilter{AccountID: "ghost"}), code: ledger.AccountNotFound},
		{name: "history of an empty id", call: history(ledger.HistoryFilter{}), code: ledger.AccountNotFound},
	}
}
