package ledgerhttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// Client is a ledger.Service that calls a remote ledger through the API that
// NewHandler serves. A refused call returns a *cashless.Error with the code
// the remote ledger gave it; a call that did not get an answer returns the
// transport's error wrapped, whose code is "internal". It is safe for
// concurrent use.
type Client struct {
	base string // the base URL without a trailing slash
	auth string // the Authorization header
	hc   *http.Client
}

var _ ledger.Service = (*Client)(nil)

// NewClient returns a client of the ledger API at baseURL (such as
// "https://ledger.internal:8443"), authenticating with token. A nil
// httpClient means NewHTTPClient(nil).
func NewClient(baseURL, token string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = NewHTTPClient(nil)
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"),
		auth: "Bearer " + token,
		hc:   httpClient,
	}
}

// NewHTTPClient returns an HTTP client tuned for many concurrent calls to
// one ledger: it keeps up to 256 idle keep-alive connections to it instead of
// net/http's 2, so bursts do not open and close connections. tlsConfig, when
// not nil, is used for https (see ClientTLSConfig). It sets no overall
// timeout: each call is bounded by its context.
func NewHTTPClient(tlsConfig *tls.Config) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 0 // no limit across hosts; MaxIdleConnsPerHost bounds them
	t.MaxIdleConnsPerHost = 256
	t.TLSClientConfig = tlsConfig
	return &http.Client{Transport: t}
}

// CreateAccounts implements ledger.Service.
func (c *Client) CreateAccounts(ctx context.Context, accounts []ledger.Account) ([]ledger.Result, error) {
	var out resultList
	if err := c.do(ctx, http.MethodPost, pathAccounts, &accountList{Accounts: accounts}, &out); err != nil {
		return nil, callError("create accounts", err)
	}
	return decodeResults(out.Results), nil
}

// CreateTransfers implements ledger.Service.
func (c *Client) CreateTransfers(ctx context.Context, transfers []ledger.Transfer) ([]ledger.Result, error) {
	var out resultList
	if err := c.do(ctx, http.MethodPost, pathTransfers, &transferList{Transfers: transfers}, &out); err != nil {
		return nil, callError("create transfers", err)
	}
	return decodeResults(out.Results), nil
}

// LookupAccounts implements ledger.Service.
func (c *Client) LookupAccounts(ctx context.Context, ids []string) ([]ledger.Account, error) {
	var out accountList
	if err := c.do(ctx, http.MethodPost, pathLookupAccounts, &idList{IDs: ids}, &out); err != nil {
		return nil, callError("look up accounts", err)
	}
	return out.Accounts, nil
}

// LookupTransfers implements ledger.Service.
func (c *Client) LookupTransfers(ctx context.Context, ids []string) ([]ledger.Transfer, error) {
	var out transferList
	if err := c.do(ctx, http.MethodPost, pathLookupTransfers, &idList{IDs: ids}, &out); err != nil {
		return nil, callError("look up transfers", err)
	}
	return out.Transfers, nil
}

// BalanceAt implements ledger.Service.
func (c *Client) BalanceAt(ctx context.Context, accountID string, at time.Time) (ledger.Balances, error) {
	if accountID == "" {
		return ledger.Balances{}, errNoAccount()
	}
	path := accountPath(accountID, "balance")
	if !at.IsZero() {
		path += "?at=" + url.QueryEscape(at.Format(time.RFC3339Nano))
	}
	var out ledger.Balances
	if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return ledger.Balances{}, callError("get balance", err)
	}
	return out, nil
}

// History implements ledger.Service.
func (c *Client) History(ctx context.Context, f ledger.HistoryFilter) (ledger.HistoryPage, error) {
	if f.AccountID == "" {
		return ledger.HistoryPage{}, errNoAccount()
	}
	q := make(url.Values, 3)
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.StartingAfter != "" {
		q.Set("starting_after", f.StartingAfter)
	}
	if f.EndingBefore != "" {
		q.Set("ending_before", f.EndingBefore)
	}
	path := accountPath(f.AccountID, "history")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out ledger.HistoryPage
	if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return ledger.HistoryPage{}, callError("get history", err)
	}
	return out, nil
}

// accountPath is the path of one of an account's resources. The id is one
// escaped path segment; "." and ".." are escaped too, or ServeMux would
// clean them away.
func accountPath(id, resource string) string {
	seg := url.PathEscape(id)
	if seg == "." || seg == ".." {
		seg = strings.ReplaceAll(seg, ".", "%2E")
	}
	return BasePath + "/accounts/" + seg + "/" + resource
}

// errNoAccount is the engine's answer for the empty account id, which no
// account has and which cannot travel as a path segment (ServeMux would
// clean "accounts//balance" away).
func errNoAccount() error { return cashless.Errorf(ledger.AccountNotFound, "no account has that id") }

// callError returns the remote ledger's coded errors as they are, so that
// they read the same as the engine's, and wraps everything else.
func callError(op string, err error) error {
	var coded *cashless.Error
	if errors.As(err, &coded) {
		return coded
	}
	return fmt.Errorf("%s: %w", op, err)
}

// maxResponseBytes bounds what the client reads of one response.
const maxResponseBytes = 64 << 20

// buffer is a reusable request or response body with its encoder.
type buffer struct {
	bytes.Buffer
	enc *json.Encoder
}

var buffers = sync.Pool{New: func() any {
	b := new(buffer)
	b.enc = json.NewEncoder(&b.Buffer)
	return b
}}

func getBuffer() *buffer { b := buffers.Get().(*buffer); b.Reset(); return b }

func putBuffer(b *buffer) {
	if b.Cap() <= 1<<20 { // let the rare huge body go
		buffers.Put(b)
	}
}

// do sends one call: in (when not nil) as the JSON body, and the JSON
// response decoded into out. path starts with BasePath.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		reqBuf := getBuffer()
		// Released only when the response is done: the transport may read
		// the request body until then.
		defer putBuffer(reqBuf)
		if err := reqBuf.enc.Encode(in); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(reqBuf.Bytes())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", c.auth)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	respBuf := getBuffer()
	defer putBuffer(respBuf)
	if _, err := respBuf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes)); err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(resp.StatusCode, respBuf.Bytes())
	}
	if err := json.Unmarshal(respBuf.Bytes(), out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// responseError turns an error response into the *cashless.Error the remote
// ledger returned, or, for a body that is not one of ours (from a proxy),
// into one coded after the status.
func responseError(status int, body []byte) error {
	var e errorResponse
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" {
		return cashless.Errorf(codeOf(status), "The ledger answered %d %s.", status, http.StatusText(status))
	}
	return &cashless.Error{Code: e.Error.Code, Message: e.Error.Message}
}
