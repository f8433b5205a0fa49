package identity_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestNoPersonalDataInClear reads every column of every row of every
// identity table after a signup, the confirmation of the phone and email,
// a login, a KYC verification and a TOTP enrolment, and looks for the
// personal data in any form it was given.
func TestNoPersonalDataInClear(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const (
			phone    = "+85261234987"
			email    = "secret.person@example.org"
			name     = "Wong Siu Ming 黃小明"
			idNumber = "A123456(3)"
			address  = "Flat 12B, 88 Nathan Road, Tsim Sha Tsui"
			ip       = "198.51.100.23"
		)
		u, _, err := b.svc.Signup(b.ctx, identity.SignupInput{
			Phone: phone, Email: email, Name: name, Username: "wsm_public", Password: password, Client: identity.Client{IP: ip},
		})
		require.NoError(t, err)
		b.confirm(t, u)
		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Email: email, Password: password, Client: identity.Client{IP: ip}})
		require.NoError(t, err)
		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Phone: "+85261234988", Password: password, Client: identity.Client{IP: ip}})
		requireCode(t, identity.EInvalidCredentials, err)
		v, err := b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 2, IDNumber: idNumber, Address: address})
		require.NoError(t, err)
		require.Equal(t, identity.KYCApproved, v.Status)
		enrol, err := b.svc.EnrolTOTP(b.ctx, u.ID)
		require.NoError(t, err)

		secrets := []string{phone, strings.TrimPrefix(phone, "+"), email, "secret.person", name, "黃小明",
			idNumber, "A1234563", address, "Nathan Road", ip, enrol.Secret, password}
		dump := b.dumpTables(t)
		require.NotEmpty(t, dump)
		// The scan sees what is stored in clear: the public username.
		require.True(t, bytes.Contains(bytes.Join(dump["identity_users"], nil), []byte("wsm_public")))
		for table, rows := range dump {
			for _, row := range rows {
				for _, s := range secrets {
					require.False(t, bytes.Contains(row, []byte(s)), "%s holds %q in clear", table, s)
				}
			}
		}
	})
}

// dumpTables returns the bytes of every row of every identity table, each
// row's columns concatenated.
func (b *testBundle) dumpTables(t *testing.T) map[string][][]byte {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'identity%'`
	if b.db.Dialect == sqldb.MySQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'identity%'`
	}
	rows, err := b.db.Read.QueryContext(b.ctx, q)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Close())
	require.GreaterOrEqual(t, len(tables), 7, "users, sessions, tokens, throttle, kyc, verifications, vault keys")

	out := map[string][][]byte{}
	for _, table := range tables {
		rows, err := b.db.Read.QueryContext(b.ctx, `SELECT * FROM `+table)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			var row []byte
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					row = append(row, v...)
				case string:
					row = append(row, v...)
				default:
					row = fmt.Append(row, v)
				}
				row = append(row, 0)
			}
			out[table] = append(out[table], row)
		}
		require.NoError(t, rows.Close())
	}
	return out
}
