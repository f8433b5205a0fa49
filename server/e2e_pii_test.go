package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EPersonalDataAtRest uses the platform the way people do, with
// distinctive personal data, and then reads every byte the platform
// stored: every file of the data directory (SQLite databases and their
// WAL) and every row of every service database on MySQL. No phone number
// (with or without its '+'), email, name, bank account number, identity
// card number, address or TOTP secret may be found. The data is still
// readable through the API after a restart and after the keys rotate, so
// the test does not pass because nothing was kept.
func TestE2EPersonalDataAtRest(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		// The development outbox holds codes and numbers in clear by
		// design; this platform hands them to a test sender instead, so
		// that nothing at all in the data directory may hold them.
		p := setupPlatform(t, d, withSender)
		quill := p.signup(t, &user{c: client.New(p.base, nil), phone: "+85296173824", email: "quillon.zephyrine@example.net",
			name: "Quillon Zephyrine-Vasquez 🦩", username: "qzvasquez", password: "Xylophone-Kettle-4471"})
		mari := p.signup(t, &user{c: client.New(p.base, nil), phone: "+85251847360", email: "marisol.okonkwo@example.org",
			name: "Marisol Okonkwo-Ferreira", username: "mokonkwo", password: "Gondola-Persimmon-9902"})
		const account, address = "40912875361523", "Flat 9B, Zephyrine Mansion, 88 Kowloon Lane"
		idNumber := hkid('Z', "684213")
		secrets := []string{
			quill.phone, strings.TrimPrefix(quill.phone, "+"), quill.email, quill.name, "Zephyrine-Vasquez", quill.password,
			mari.phone, strings.TrimPrefix(mari.phone, "+"), mari.email, mari.name, "Okonkwo-Ferreira", mari.password,
			account, "4091287536", idNumber, strings.Trim(strings.ReplaceAll(idNumber, "(", ""), ")"), address, "Zephyrine Mansion",
		}

		// Money moves between them by every proxy, a request and a
		// withdrawal to a bank account; Quill verifies and enrols TOTP.
		topup(t, quill, 100_000)
		for _, to := range []client.To{{Phone: mari.phone}, {Email: mari.email}, {Username: mari.username}} {
			_, err := quill.c.Send(ctx, key("send"), client.SendParams{To: to, Amount: 1_000, Currency: "HKD", Message: "rent"})
			require.NoError(t, err)
		}
		// A payment whose stored answer (it names the sender in full, the
		// recipient, a stranger, masked) is replayed later.
		replayKey, replayBody := key("send"), []byte(`{"to":{"phone":"`+mari.phone+`"},"amount":250,"currency":"HKD"}`)
		status, _, first, err := quill.c.Raw(ctx, http.MethodPost, "/v1/transfers", jsonHeader(replayKey), replayBody)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, status, string(first))
		require.Contains(t, string(first), quill.name)
		require.Contains(t, string(first), `"Marisol O."`)
		reqs, err := mari.c.RequestMoney(ctx, key("request"), client.RequestParams{From: []client.To{{Email: quill.email}}, Amount: 500, Currency: "HKD"})
		require.NoError(t, err)
		_, err = quill.c.PayRequest(ctx, key("pay"), reqs.Data[0].ID, "")
		require.NoError(t, err)
		_, err = quill.c.AddContact(ctx, client.To{Phone: mari.phone})
		require.NoError(t, err)
		w, err := quill.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 2_000, Currency: "HKD", BankAccount: account})
		require.NoError(t, err)
		waitFunding(t, quill, w.ID, quill.c.GetWithdrawal)
		v, err := quill.c.VerifyKYC(ctx, client.KYCParams{Tier: 2, IDNumber: idNumber, Address: address})
		require.NoError(t, err)
		require.Equal(t, "approved", v.Status)
		enrol, err := mari.c.EnrolTOTP(ctx)
		require.NoError(t, err)
		require.NoError(t, mari.c.ConfirmTOTP(ctx, totpCode(t, enrol.Secret, -1)))
		secrets = append(secrets, enrol.Secret)
		_, err = client.New(p.base, nil).Login(ctx, client.LoginParams{Email: quill.email, Password: "wrong password!"})
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_credentials")
		_, err = client.New(p.base, nil).Login(ctx, client.LoginParams{Email: quill.email, Password: quill.password})
		require.NoError(t, err)
		requirePersonalData(t, p, quill, mari)
		requireWithdrawal(t, quill, w.ID, "1523")

		// Scan while running (the WAL holds the latest writes) and after
		// a clean stop.
		requireNotStored(t, p, d, secrets)
		p.stop(t)
		requireNotStored(t, p, d, secrets)

		// Restarted, everything reads back; then the keys rotate under the
		// running platform, and old and new data both read.
		p.start(t)
		quill.reconnect(p)
		mari.reconnect(p)
		requirePersonalData(t, p, quill, mari)
		requireWithdrawal(t, quill, w.ID, "1523")
		rotated, err := server.RotateKeys(ctx, p.cfg)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"identity", "wallet", "merchant", "api"}, rotated)
		requirePersonalData(t, p, quill, mari)
		nova := p.signup(t, &user{c: client.New(p.base, nil), phone: "+85293305517", email: "novaline.qintara@example.com",
			name: "Novaline Qintara", username: "nqintara", password: "Marzipan-Orbit-3318"})
		secrets = append(secrets, nova.phone, strings.TrimPrefix(nova.phone, "+"), nova.email, nova.name, "Qintara", nova.password)
		_, err = mari.c.Send(ctx, key("send"), client.SendParams{To: client.To{Email: nova.email}, Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		w2, err := quill.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 100, Currency: "HKD", BankAccount: "77-00-9988-1234"})
		require.NoError(t, err)
		secrets = append(secrets, "770099881234")
		waitFunding(t, quill, w2.ID, quill.c.GetWithdrawal)

		p.restart(t)
		for _, u := range []*user{quill, mari, nova} {
			u.reconnect(p)
		}
		// The answer stored before the rotation replays, byte for byte.
		status, hdr, again, err := quill.c.Raw(ctx, http.MethodPost, "/v1/transfers", jsonHeader(replayKey), replayBody)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, status, string(again))
		require.Equal(t, "true", hdr.Get("Idempotent-Replayed"))
		require.Equal(t, string(first), string(again))
		requirePersonalData(t, p, quill, mari, nova)
		requireWithdrawal(t, quill, w.ID, "1523")
		requireWithdrawal(t, quill, w2.ID, "1234")
		p.stop(t)
		requireNotStored(t, p, d, secrets)
	})
}

// requirePersonalData checks that each user's phone, email and name read
// back through the API, and that they can log in by phone and by email
// (which finds them through the blind indexes).
func requirePersonalData(t *testing.T, p *platform, users ...*user) {
	t.Helper()
	ctx := context.Background()
	for _, u := range users {
		me, err := u.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, u.phone, me.Phone)
		require.Equal(t, u.email, me.Email)
		require.Equal(t, u.name, me.Name)
		for _, lp := range []client.LoginParams{{Phone: u.phone}, {Email: u.email}} {
			lp.Password = u.password
			auth, err := client.New(p.base, nil).Login(ctx, lp)
			if err != nil && client.ErrorCode(err) == "totp_required" {
				continue // the password was right; the second factor is asked
			}
			require.NoError(t, err)
			require.Equal(t, u.id, auth.User.ID)
			require.Equal(t, u.name, auth.User.Name)
		}
	}
}

// requireWithdrawal checks a withdrawal still shows its account's last four.
func requireWithdrawal(t *testing.T, u *user, id, last4 string) {
	t.Helper()
	w, err := u.c.GetWithdrawal(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, last4, w.BankAccountLast4)
}

// requireNotStored reads every stored byte of the platform and fails on
// any of secrets. As a control it must find the users' public usernames,
// which are stored in clear.
func requireNotStored(t *testing.T, p *platform, d sqldb.Dialect, secrets []string) {
	t.Helper()
	var found []string
	seen := 0
	check := func(where string, b []byte) {
		if bytes.Contains(b, []byte("qzvasquez")) {
			seen++
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				found = append(found, where+": "+s)
			}
		}
	}
	err := filepath.WalkDir(p.cfg.DataDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(filepath.Base(path), b)
		return nil
	})
	require.NoError(t, err)
	require.NoFileExists(t, filepath.Join(p.cfg.DataDir, server.OutboxFile))
	if d == sqldb.MySQL {
		for _, name := range server.Services() {
			scanDatabase(t, p.cfg, name, check)
		}
	}
	require.Positive(t, seen, "the scan found not even the public usernames")
	require.Empty(t, found, "personal data stored in clear")
}

// scanDatabase hands every column of every row of a service's MySQL
// database to check.
func scanDatabase(t *testing.T, cfg server.Config, service string, check func(where string, b []byte)) {
	t.Helper()
	ctx := context.Background()
	url, err := cfg.DatabaseURL(service)
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	defer db.Close()
	var tables []string
	rows, err := db.Read.QueryContext(ctx, "SHOW TABLES")
	require.NoError(t, err)
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, tables, service)
	for _, table := range tables {
		rows, err := db.Read.QueryContext(ctx, "SELECT * FROM `"+table+"`")
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				check(service+"."+table+"."+cols[i], v)
			}
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
}
