import Metrics

/// The login and refresh counters (`issuer_logins_total`, `issuer_refreshes_total` with
/// `outcome` rotated, replayed, reuse_detected, forged, invalid_grant), made once
/// per outcome and kept: asking the metrics factory for a counter takes its registry lock and
/// hashes the label and dimensions, which every refresh paid before.
struct AuthMetrics: Sendable {
    /// What a login came to.
    enum LoginOutcome: Sendable {
        case ok, invalidCredentials, rateLimited
    }

    private let loggedIn: Counter, invalidCredentials: Counter, rateLimited: Counter
    private let rotated: Counter, replayed: Counter, reuseDetected: Counter, forged: Counter, invalidGrant: Counter

    /// Registers every counter (at zero) with the metrics system bootstrapped now.
    init() {
        func logins(_ outcome: String) -> Counter { Counter(label: "issuer_logins_total", dimensions: [("outcome", outcome)]) }
        func refreshes(_ outcome: String) -> Counter { Counter(label: "issuer_refreshes_total", dimensions: [("outcome", outcome)]) }
        (loggedIn, invalidCredentials, rateLimited) = (logins("ok"), logins("invalid_credentials"), logins("rate_limited"))
        (rotated, replayed, reuseDetected, forged, invalidGrant) =
            (refreshes("rotated"), refreshes("replayed"), refreshes("reuse_detected"), refreshes("forged"), refreshes("invalid_grant"))
    }

    /// Counts one login.
    func count(_ outcome: LoginOutcome) {
        switch outcome {
        case .ok: loggedIn.increment()
        case .invalidCredentials: invalidCredentials.increment()
        case .rateLimited: rateLimited.increment()
        }
    }

    /// Counts one refresh.
    func count(_ outcome: RefreshOutcome) {
        switch outcome {
        case .rotated: rotated.increment()
        case .replayed: replayed.increment()
        case .stolen: reuseDetected.increment()
        // A record without the issuer's MAC: someone who can write to Redis tried to mint a token.
        case .forged: forged.increment()
        case .invalid: invalidGrant.increment()
        }
    }
}
