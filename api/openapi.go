package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of every route, kept by
// hand; a test checks it lists exactly the routes of routes.go.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) openAPI(c *call) (int, any, error) {
	return http.StatusOK, raw{contentType: jsonType, body: openAPIDocument}, nil
}
