import Metrics
import Revocation

/// `issuer_revocations_total{kind, acknowledged}`, one counter per kind and answer made once
/// (asking the metrics factory for a counter per event took its registry lock every time).
struct RevocationCounters: Sendable {
    private let counters: [Counter]

    /// Registers every counter (at zero) with the metrics system bootstrapped now.
    init() {
        counters = ["jti", "sid", "sub"].flatMap { kind in
            ["false", "true"].map { Counter(label: "issuer_revocations_total", dimensions: [("kind", kind), ("acknowledged", $0)]) }
        }
    }

    /// Counts one published revocation event.
    func count(_ target: RevocationEvent.Target, acknowledged: Bool) {
        let kind =
            switch target {
            case .token: 0
            case .session: 1
            case .subject: 2
            }
        counters[kind * 2 + (acknowledged ? 1 : 0)].increment()
    }
}
