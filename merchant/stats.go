package merchant

import "github.com/cashless-dev/cashless/intent"

// Stats reports the payment and refund drivers' counts, for metrics.
func (m *Merchants) Stats() []intent.Stats {
	return []intent.Stats{m.payments.Stats(), m.refunds.Stats()}
}
