package api

import (
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/wallet"
)

// The parse functions decode a request body strictly and check what the
// API itself can tell: required fields, one-of choices, amounts and
// currencies. The services check the rest (phone syntax, password length).

// maxPayers bounds the payers of one money request.
const maxPayers = 50

func parseSignup(body []byte) (SignupParams, error) {
	var p SignupParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, firstErr(need(p.Phone != "", "phone"), need(p.Name != "", "name"), need(p.Password != "", "password"))
}

func parseLogin(body []byte) (LoginParams, error) {
	var p LoginParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	if p.Phone != "" && p.Email != "" {
		return p, errParam(cashless.EInvalid, "email", "Send phone or email, not both.")
	}
	return p, firstErr(need(p.Phone != "" || p.Email != "", "phone"), need(p.Password != "", "password"))
}

func parseRefresh(body []byte) (RefreshParams, error) {
	var p RefreshParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, need(p.RefreshToken != "", "refresh_token")
}

func parseKYC(body []byte) (KYCParams, error) {
	var p KYCParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, firstErr(need(p.Tier != 0, "tier"), need(p.IDNumber != "", "id_number"))
}

func parseTopup(body []byte) (TopupParams, error) {
	var p TopupParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	if p.Source != "" && p.Source != "bank" {
		return p, errParam(cashless.EInvalid, "source", `Field source must be "bank".`)
	}
	return p, firstErr(need(p.Amount != 0, "amount"), need(p.Currency != "", "currency"))
}

func parseWithdrawal(body []byte) (WithdrawalParams, error) {
	var p WithdrawalParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, firstErr(need(p.Amount != 0, "amount"), need(p.Currency != "", "currency"), need(p.BankAccount != "", "bank_account"))
}

func parseTransfer(body []byte) (TransferParams, error) {
	var p TransferParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	if err := need(p.To != nil, "to"); err != nil {
		return p, err
	}
	return p, firstErr(checkRecipient(*p.To, "to", true), need(p.Amount != 0, "amount"),
		need(p.Currency != "", "currency"), checkVisibility(p.Visibility, "visibility"))
}

func parseRequest(body []byte) (RequestParams, error) {
	var p RequestParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	if err := need(len(p.From) > 0, "from"); err != nil {
		return p, err
	}
	if len(p.From) > maxPayers {
		return p, errParam(cashless.EInvalid, "from", fmt.Sprintf("Ask at most %d people at once.", maxPayers))
	}
	for i, r := range p.From {
		if err := checkRecipient(r, fmt.Sprintf("from[%d]", i), false); err != nil {
			return p, err
		}
	}
	switch {
	case p.Amount != 0 && p.Split != nil:
		return p, errParam(cashless.EInvalid, "split", "Send amount or split, not both.")
	case p.Split != nil:
		if err := need(p.Split.Total != 0, "split.total"); err != nil {
			return p, err
		}
	default:
		if err := need(p.Amount != 0, "amount"); err != nil {
			return p, err
		}
	}
	return p, need(p.Currency != "", "currency")
}

func parsePayRequest(body []byte) (PayRequestParams, error) {
	var p PayRequestParams
	return p, decodeOptional(body, &p)
}

func parseContact(body []byte) (ContactParams, error) {
	var p ContactParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, checkRecipient(Recipient{Phone: p.Phone, Email: p.Email, Username: p.Username}, "phone", false)
}

func parseFeedSettings(body []byte) (FeedSettingsParams, error) {
	var p FeedSettingsParams
	if err := decodeJSON(body, &p); err != nil {
		return p, err
	}
	return p, firstErr(need(p.DefaultVisibility != "", "default_visibility"),
		checkVisibility(p.DefaultVisibility, "default_visibility"))
}

// checkRecipient wants exactly one way of naming a person; a PayCode only
// where paying is meant.
func checkRecipient(r Recipient, param string, payCode bool) error {
	if !payCode && r.PayCode != "" {
		return errParam(EUnknownParameter, param+".paycode", "A PayCode can only name whom to pay.")
	}
	n := 0
	for _, s := range []string{r.Phone, r.Email, r.Username, r.PayCode} {
		if s != "" {
			n++
		}
	}
	switch n {
	case 0:
		return errParam(EParameterMissing, param, fmt.Sprintf("Field %s needs a phone, email or username.", param))
	case 1:
		return nil
	}
	return errParam(cashless.EInvalid, param, fmt.Sprintf("Field %s must name a person in exactly one way.", param))
}

// checkVisibility accepts "" (the default) and the three visibilities.
func checkVisibility(v, param string) error {
	switch wallet.Visibility(v) {
	case "", wallet.Private, wallet.Friends, wallet.Public:
		return nil
	}
	return errParam(wallet.EInvalidVisibility, param, fmt.Sprintf("Field %s must be private, friends or public.", param))
}
