package ledgerhttp

import "net/http"

// BasePath prefixes every route of the API.
const BasePath = "/internal/ledger/v1"

// Paths of the routes, relative to the server's root.
const (
	pathAccounts        = BasePath + "/accounts"
	pathTransfers       = BasePath + "/transfers"
	pathLookupAccounts  = BasePath + "/accounts/lookup"
	pathLookupTransfers = BasePath + "/transfers/lookup"
	pathBalance         = BasePath + "/accounts/{id}/balance"
	pathHistory         = BasePath + "/accounts/{id}/history"
)

// routes lists every route of the API in one place. Each path has exactly
// one method; NewHandler answers the others with 405.
func (s *server) routes() []route {
	return []route{
		{http.MethodPost, pathAccounts, s.createAccounts},
		{http.MethodPost, pathTransfers, s.createTransfers},
		{http.MethodPost, pathLookupAccounts, s.lookupAccounts},
		{http.MethodPost, pathLookupTransfers, s.lookupTransfers},
		{http.MethodGet, pathBalance, s.balanceAt},
		{http.MethodGet, pathHistory, s.history},
	}
}

type route struct {
	method  string
	path    string
	handler http.HandlerFunc
}
