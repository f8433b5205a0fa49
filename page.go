package cashless

// Page asks for one page of a list, newest first (API.md, "Lists"). At most
// one of StartingAfter and EndingBefore is set: StartingAfter gives the
// objects older than that id, EndingBefore the ones newer than it.
type Page struct {
	Limit         int // 1–100; 0 means the default of 10
	StartingAfter string
	EndingBefore  string
}

// Page limits.
const (
	DefaultPageLimit = 10
	MaxPageLimit     = 100
)

// Size returns the page's limit with the default applied and capped.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageLimit
	case p.Limit > MaxPageLimit:
		return MaxPageLimit
	}
	return p.Limit
}
