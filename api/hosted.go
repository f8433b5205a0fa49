package api

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"regexp"

	"github.com/cashless-dev/cashless/emvqr"
	"github.com/cashless-dev/cashless/merchant"
)

// The hosted page of a payment request, its web_url: what a payer opens
// from a link or a scanned QR code. It is HTML for people, served outside
// /v1 and kept out of the OpenAPI document, which describes the JSON API
// (docs/API.md lists the page). It has no script at all, and a Content-
// Security-Policy that would refuse one: images only from this origin,
// no frames, no forms posting elsewhere.

// hostedCSP is the page's Content-Security-Policy.
const hostedCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// hostedQRSize is the side of the hosted page's QR image, in pixels.
const hostedQRSize = 320

// requestIDPattern is what a payment request id may look like; anything
// else is not found without asking the service.
var requestIDPattern = regexp.MustCompile(`^pr_[A-Za-z0-9]{1,64}$`)

var hostedPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay {{.Merchant}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;text-align:center}.amount{font-size:2rem;font-weight:600}.status{color:#555}</style>
</head><body>
<h1>{{.Merchant}}</h1>
<p>{{.City}}</p>
<p class="amount">{{.Currency}} {{.Amount}}</p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="status">Status: {{.Status}}{{if .Test}} (test mode){{end}}</p>
{{if .Pending}}<p><img src="{{.QRURL}}" width="{{.Size}}" height="{{.Size}}" alt="QR code to pay {{.Merchant}}"></p>
<p>Scan with the Cashless app to pay. This request expires at {{.Expires}} UTC.</p>{{end}}
</body></html>
`))

// hostedView is what the page template shows.
type hostedView struct {
	Merchant, City, Currency, Amount, Description, Status, QRURL, Expires string
	Size                                                                  int
	Pending, Test                                                         bool
}

// hostedRoutes adds the hosted page and its QR image to mux; both are
// public and throttled per IP like the other public routes.
func (s *Server) hostedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pay/{id}", func(w http.ResponseWriter, r *http.Request) { s.hosted(w, r, false) })
	mux.HandleFunc("GET /pay/{id}/qr.png", func(w http.ResponseWriter, r *http.Request) { s.hosted(w, r, true) })
}

func (s *Server) hosted(w http.ResponseWriter, r *http.Request, png bool) {
	if err := s.ipRate.allow(clientIP(r)); err != nil {
		s.send(w, r, s.failure(r, err))
		return
	}
	if s.merchants == nil {
		s.send(w, r, s.failure(r, errorf(EMerchantsUnavailable, "This server runs without the merchant service.")))
		return
	}
	id := r.PathValue("id")
	if !requestIDPattern.MatchString(id) {
		s.send(w, r, s.failure(r, errorf(merchant.EPaymentRequestNotFound, "No such payment request.")))
		return
	}
	co, err := s.merchants.Checkout(r.Context(), id)
	if err != nil {
		s.send(w, r, s.failure(r, err))
		return
	}
	var res response
	if png {
		body, err := emvqr.PNG(co.QRPayload, hostedQRSize)
		if err != nil {
			s.send(w, r, s.failure(r, fmt.Errorf("draw payment request QR: %w", err)))
			return
		}
		res = response{status: http.StatusOK, body: body, contentType: "image/png"}
	} else {
		v := hostedView{Merchant: co.MerchantName, City: co.MerchantCity, Currency: co.Amount.Currency,
			Amount: co.Amount.String(), Description: co.Description, Status: co.Status,
			QRURL: "/pay/" + co.PaymentRequestID + "/qr.png", Expires: co.ExpiresAt.UTC().Format("2006-01-02 15:04"),
			Size: hostedQRSize, Pending: co.Status == merchant.StatusPending, Test: co.Mode == merchant.Test}
		var buf bytes.Buffer
		if err := hostedPage.Execute(&buf, v); err != nil {
			s.send(w, r, s.failure(r, fmt.Errorf("render hosted page: %w", err)))
			return
		}
		res = response{status: http.StatusOK, body: buf.Bytes(), contentType: "text/html; charset=utf-8"}
	}
	res.setHeader("Content-Security-Policy", hostedCSP)
	res.setHeader("Referrer-Policy", "no-referrer")
	res.setHeader("X-Frame-Options", "DENY")
	s.send(w, r, res)
}
