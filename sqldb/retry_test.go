package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
)

var errConflict = errors.New("conflict")

func isConflict(err error) bool { return errors.Is(err, errConflict) }

func TestRetryConflicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fails []error // fn's error on each run; nil once they run out
		runs  int
		want  error // nil, or the error RetryConflicts must wrap
	}{
		{name: "success at once", runs: 1},
		{name: "conflicts, then success", fails: []error{errConflict, fmt.Errorf("wrapped: %w", errConflict)}, runs: 3},
		{name: "other error stops", fails: []error{errConflict, errBoom, errConflict}, runs: 2, want: errBoom},
		{name: "bounded attempts", fails: slices.Repeat([]error{errConflict}, 20), runs: sqldb.MaxConflictAttempts, want: errConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runs := 0
			err := sqldb.RetryConflicts(t.Context(), isConflict, func() error {
				runs++
				if runs <= len(tc.fails) {
					return tc.fails[runs-1]
				}
				return nil
			})
			require.Equal(t, tc.runs, runs)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// A context that ends during the pause stops the retries at once.
func TestRetryConflictsStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	runs := 0
	err := sqldb.RetryConflicts(ctx, isConflict, func() error {
		runs++
		cancel()
		return errConflict
	})
	require.Equal(t, 1, runs)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, errConflict, "the last conflict is kept")
}
