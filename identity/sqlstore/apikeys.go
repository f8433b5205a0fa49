package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

const apiKeyColumns = `id, merchant_id, mode, lookup, hash, prefix, scopes, created_by, created_us, last_used_us, revoked_us`

// CreateAPIKey implements identity.Store. The id is made before the call,
// so a rerun finds its own row (insertOnce).
func (s *Store) CreateAPIKey(ctx context.Context, k *identity.APIKeyRecord) error {
	return wrap("create api key", s.group.Do(ctx, func(tx *sql.Tx) error {
		return s.insertOnce(ctx, tx, "identity_api_keys", "id", k.ID, `INSERT INTO identity_api_keys (`+apiKeyColumns+`)`+
			` VALUES (?,?,?,?,?,?,?,?,?,0,0)`, k.ID, k.MerchantID, k.Mode, k.Lookup, k.Hash, k.Prefix,
			strings.Join(k.Scopes, " "), k.CreatedBy, sqldb.Micros(k.Created))
	}))
}

// APIKeysByLookup implements identity.Store with one indexed read. Every
// read starts a fresh snapshot, so it sees each revocation that committed
// before it, made by any instance.
func (s *Store) APIKeysByLookup(ctx context.Context, lookup string) ([]*identity.APIKeyRecord, error) {
	return s.queryAPIKeys(ctx, s.db.Read, `SELECT `+apiKeyColumns+` FROM identity_api_keys WHERE lookup = ?`, lookup)
}

// MerchantAPIKeys implements identity.Store.
func (s *Store) MerchantAPIKeys(ctx context.Context, merchantID string) ([]*identity.APIKeyRecord, error) {
	return s.queryAPIKeys(ctx, s.db.Read, `SELECT `+apiKeyColumns+` FROM identity_api_keys WHERE merchant_id = ?`+
		` ORDER BY created_us DESC, id DESC`, merchantID)
}

// RevokeAPIKey implements identity.Store. The UPDATE is conditional on the
// key being live, and the key is read back in the same transaction, so a
// rerun finds the revocation of its earlier run and reports the same key.
func (s *Store) RevokeAPIKey(ctx context.Context, merchantID, keyID string, now time.Time) (*identity.APIKeyRecord, error) {
	var out *identity.APIKeyRecord
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		out = nil
		if _, err := tx.ExecContext(ctx, `UPDATE identity_api_keys SET revoked_us = ? WHERE id = ? AND merchant_id = ? AND revoked_us = 0`,
			sqldb.Micros(now), keyID, merchantID); err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		keys, err := s.queryAPIKeys(ctx, tx, `SELECT `+apiKeyColumns+` FROM identity_api_keys WHERE id = ? AND merchant_id = ?`, keyID, merchantID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return errNoRow
		}
		out = keys[0]
		return nil
	})
	if errors.Is(err, errNoRow) {
		return nil, cashless.Errorf(identity.EAPIKeyNotFound, "No such API key.")
	}
	if err != nil {
		return nil, fmt.Errorf("revoke api key: %w", err)
	}
	return out, nil
}

// TouchAPIKey implements identity.Store. It writes directly rather than
// through the group committer: it is off the money path, one statement,
// and the same on a rerun.
func (s *Store) TouchAPIKey(ctx context.Context, keyID string, now time.Time, gap time.Duration) error {
	_, err := s.db.Write.ExecContext(ctx, `UPDATE identity_api_keys SET last_used_us = ? WHERE id = ? AND last_used_us <= ?`,
		sqldb.Micros(now), keyID, sqldb.Micros(now.Add(-gap)))
	return wrap("touch api key", err)
}

func (s *Store) queryAPIKeys(ctx context.Context, q querier, query string, args ...any) ([]*identity.APIKeyRecord, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read api keys: %w", err)
	}
	defer rows.Close()
	var out []*identity.APIKeyRecord
	for rows.Next() {
		var k identity.APIKeyRecord
		var scopes string
		var created, lastUsed, revoked int64
		if err := rows.Scan(&k.ID, &k.MerchantID, &k.Mode, &k.Lookup, &k.Hash, &k.Prefix, &scopes, &k.CreatedBy,
			&created, &lastUsed, &revoked); err != nil {
			return nil, fmt.Errorf("read api keys: %w", err)
		}
		k.Scopes = strings.Fields(scopes)
		k.Created, k.LastUsed, k.Revoked = sqldb.FromMicros(created), sqldb.FromMicros(lastUsed), sqldb.FromMicros(revoked)
		out = append(out, &k)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read api keys: %w", err)
	}
	return out, nil
}
