import Metrics

/// The login and refresh counters (`issuer_logins_total`, `issuer_refreshes_total`), made once
/// per outcome and kept: asking the metrics factory for a counter takes its registry lock and
/// hashes the label and dimensions, which every refresh paid before.
struct AuthMetrics: Sendable {
    /// What a login came to.
    enum LoginOutcome: String, CaseIterable, Sendable {
        case ok
        case invalidCredentials = "invalid_credentials"
        case rateLimited = "rate_limited"
    }

    private let logins: [LoginOutcome: Counter]
    private let rotated: Counter, replayed: Counter, reuseDetected: Counter, invalidGrant: Counter

    /// Registers every counter with the metrics system bootstrapped now.
    init() {
        func refreshes(_ outcome: String) -> Counter { Counter(label: "issuer_refreshes_total", dimensions: [("outcome", outcome)]) }
        logins = Dictionary(
            uniqueKeysWithValues: LoginOutcome.allCases.map {
                ($0, Counter(label: "issuer_logins_total", dimensions: [("outcome", $0.rawValue)]))
            })
        (rotated, replayed, reuseDetected, invalidGrant) =
            (refreshes("rotated"), refreshes("replayed"), refreshes("reuse_detected"), refreshes("invalid_grant"))
    }

    /// Counts one login.
    func count(_ outcome: LoginOutcome) { logins[outcome]?.increment() }

    /// Counts one refresh.
    func count(_ outcome: RefreshOutcome) {
        switch outcome {
        case .rotated: rotated.increment()
        case .replayed: replayed.increment()
        case .stolen: reuseDetected.increment()
        case .invalid: invalidGrant.increment()
        }
    }
}
