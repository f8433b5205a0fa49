package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// RecordKYC implements identity.Store.
func (s *Store) RecordKYC(ctx context.Context, k *identity.KYCRecord) error {
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		return s.recordKYC(ctx, tx, k, k.Status, k.Reason)
	})
	return wrap("record KYC verification", err)
}

// ApproveKYC implements identity.Store. The document's binding is written
// first, so of two users verifying with one document at once (on two
// instances, say), the second waits for the first's row and then sees it.
func (s *Store) ApproveKYC(ctx context.Context, k *identity.KYCRecord, document []byte) error {
	var refused string // the code of a refusal in the run that committed
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		code, other, err := s.bindDocument(ctx, tx, k.UserID, document, k.Created)
		refused = code
		if err != nil {
			return err
		}
		if code == "" {
			return s.recordKYC(ctx, tx, k, k.Status, k.Reason)
		}
		if err := s.recordKYC(ctx, tx, k, identity.KYCRejected, code); err != nil {
			return err
		}
		return s.insertOnce(ctx, tx, "identity_kyc_reviews", "id", k.ID,
			`INSERT INTO identity_kyc_reviews (id, user_id, other_user_id, reason, created_us) VALUES (?,?,?,?,?)`,
			k.ID, k.UserID, nullString(other), code, sqldb.Micros(k.Created))
	})
	if err != nil {
		return wrap("approve KYC verification", err)
	}
	switch refused {
	case identity.EDocumentAlreadyUsed:
		return &cashless.Error{Code: refused, Param: "id_number", Message: "This identity document has already verified another account."}
	case identity.EDocumentMismatch:
		return &cashless.Error{Code: refused, Param: "id_number", Message: "This account was verified with another identity document."}
	}
	return nil
}

// bindDocument binds a document to a user unless it is bound already. It
// returns "" when the document is (now) the user's, or the code of the
// conflict and, for a document bound to another user, that user's id.
func (s *Store) bindDocument(ctx context.Context, tx *sql.Tx, userID string, document []byte, now time.Time) (code, other string, err error) {
	n, err := affected(tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO identity_kyc_documents (document_index, user_id, created_us) VALUES (?,?,?)`,
		document, userID, sqldb.Micros(now)))
	if err != nil || n == 1 {
		return "", "", err
	}
	// A locking read on MySQL: it sees the row another transaction has just
	// committed, which the transaction's snapshot may predate.
	err = tx.QueryRowContext(ctx, `SELECT user_id FROM identity_kyc_documents WHERE document_index = ?`+s.db.Dialect.ForUpdate(), document).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows): // ignored for the user's key: bound to another document
		return identity.EDocumentMismatch, "", nil
	case err != nil:
		return "", "", err
	case other == userID:
		return "", "", nil
	}
	return identity.EDocumentAlreadyUsed, other, nil
}

// recordKYC stores a verification with the status and reason given and,
// when it is approved, raises the user's tier to its tier (never lowering
// it). The verification's id is made before the call, so one stored under
// it is this call's, from an earlier run (insertOnce); raising the tier
// again changes nothing.
func (s *Store) recordKYC(ctx context.Context, tx *sql.Tx, k *identity.KYCRecord, status, reason string) error {
	err := s.insertOnce(ctx, tx, "identity_kyc", "id", k.ID, `INSERT INTO identity_kyc (id, user_id, tier, status, reason, id_number_sealed, address_sealed, created_us)`+
		` VALUES (?,?,?,?,?,?,?,?)`, k.ID, k.UserID, k.Tier, status, reason, k.IDNumberSealed, nullBytes(k.AddressSealed), sqldb.Micros(k.Created))
	if err != nil || status != identity.KYCApproved {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE identity_users SET kyc_tier = ? WHERE id = ? AND kyc_tier < ?`, k.Tier, k.UserID, k.Tier)
	return err
}
