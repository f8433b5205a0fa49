package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cashless-dev/cashless/merchant"
)

func (s *Server) createPayout(c *call) (int, any, error) {
	var p PayoutParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := need(p.Currency != "", "currency"); err != nil {
		return 0, nil, err
	}
	po, err := s.merchants.CreatePayout(c.ctx, c.actor, merchant.PayoutInput{Currency: string(p.Currency),
		Amount: int64(p.Amount), IdempotencyKey: c.key})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toPayout(po), nil
}

func (s *Server) listPayouts(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.merchants.Payouts(c.ctx, c.actor, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toPayout), more), nil
}

func (s *Server) getPayout(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	po, err := s.merchants.Payout(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toPayout(po), nil
}

// payoutReport answers the payout's lines as CSV, one movement a row with
// signed minor units, so that a spreadsheet's sum of the amount column is
// the payout's amount.
func (s *Server) payoutReport(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	rep, err := s.merchants.PayoutReport(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	body, err := reportCSV(rep)
	if err != nil {
		return 0, nil, fmt.Errorf("write payout report: %w", err)
	}
	return http.StatusOK, raw{contentType: "text/csv; charset=utf-8", body: body}, nil
}

// reportCSV writes a payout report: a header row, then
// type,object,amount,currency,created.
func reportCSV(rep *merchant.PayoutReport) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"type", "object", "amount", "currency", "created"})
	for _, l := range rep.Lines {
		_ = w.Write([]string{l.Type, l.ObjectID, strconv.FormatInt(l.Amount, 10), l.Currency, l.At.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
