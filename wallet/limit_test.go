package wallet_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

func TestLimits(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob := b.user(t, "ada", 0), b.user(t, "bob", 0) // tier 0: HK$3,000 a day
		b.fund(t, ada.ID, 3_000_00)                          // tier 0 tops up HK$3,000 a day at most

		t.Run("concurrent sends never pass the cap", func(t *testing.T) {
			const amount, senders = 700_00, 50 // only 4 fit under HK$3,000
			var wg sync.WaitGroup
			errs := make([]error, senders)
			for i := range senders {
				wg.Go(func() {
					_, errs[i] = b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"},
						Amount: hkd(amount), IdempotencyKey: fmt.Sprintf("c%d", i)})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
					continue
				}
				require.Equal(t, wallet.ELimitExceeded, code(err), "%v", err)
			}
			require.Equal(t, 4, ok)
			require.EqualValues(t, 4*amount, b.balance(t, bob.ID).Balance)
			use, err := b.wallets.Limits(b.ctx, ada.ID, "HKD")
			require.NoError(t, err)
			require.Len(t, use, 6, "three caps on sends, then three on top-ups")
			require.Equal(t, wallet.LimitSend, use[0].Kind)
			require.Equal(t, "day", use[0].Period)
			require.EqualValues(t, 4*amount, use[0].Used.Minor)
			require.EqualValues(t, 3_000_00-4*amount, use[0].Remaining.Minor)
			require.Equal(t, time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), use[0].Resets, "midnight in Hong Kong")
			require.EqualValues(t, 4*amount, use[1].Used.Minor)
		})

		t.Run("the param names the period", func(t *testing.T) {
			_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(3_000_01), IdempotencyKey: "p"})
			require.Equal(t, wallet.ELimitExceeded, code(err))
			require.Contains(t, err.Error(), "daily")
			var ce *cashless.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "day", ce.Param)
		})

		t.Run("the day rolls over, the month does not", func(t *testing.T) {
			b.clock.Advance(12 * time.Hour) // 16:00Z: the next day in Hong Kong
			b.fund(t, ada.ID, 2_000_00)
			_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(2_000_00), IdempotencyKey: "next"})
			require.NoError(t, err)
			use, err := b.wallets.Limits(b.ctx, ada.ID, "HKD")
			require.NoError(t, err)
			require.EqualValues(t, 2_000_00, use[0].Used.Minor)
			require.EqualValues(t, 4_800_00, use[1].Used.Minor)
		})

		t.Run("a failed send releases its reservation", func(t *testing.T) {
			cy := b.user(t, "cy", 0)
			b.fund(t, cy.ID, 100_00)
			_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: cy.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(2_000_00), IdempotencyKey: "f"})
			require.Equal(t, wallet.EInsufficientFunds, code(err))
			use, err := b.wallets.Limits(b.ctx, cy.ID, "HKD")
			require.NoError(t, err)
			for _, u := range use {
				if u.Kind == wallet.LimitSend {
					require.Zero(t, u.Used.Minor, u.Period)
				}
			}
		})
		b.verify(t)
	})
}
