import Hummingbird
import Metrics
import Revocation
import ServiceKit
import Synchronization
import TokenKit

/// Verifies the `Authorization: Bearer` token of every request locally and puts its claims in
/// the context; the token is never read from a query parameter or a cookie.
///
/// No token: 401 with a bare challenge. A bad, expired or revoked token: 401 `invalid_token`
/// with the reason. A token whose `kid` is unknown may first trigger one JWKS refresh (with a
/// cooldown) and is then verified once more. While the revocation set is incomplete, every
/// request gets 503 `temporarily_unavailable` with `Retry-After` first (fail closed).
public struct BearerAuthMiddleware<Context: BearerAuthenticatable>: RouterMiddleware {
    let verifier: AccessTokenVerifier
    let challenge: BearerChallenge
    let refreshKeys: (@Sendable () async -> Bool)?
    let revocations: RevocationSet?
    let metrics: VerificationMetrics

    /// Creates the middleware.
    /// - Parameters:
    ///   - refreshKeys: called when a token names an unknown `kid`; returns whether the keys may
    ///     have changed, so the token is worth a second try.
    ///   - revocations: the in-memory set the verifier consults; while it is not
    ///     ``RevocationSet/isComplete``, nothing is answered but 503. Nil where revocation is
    ///     checked elsewhere (the issuer asks Redis).
    public init(
        verifier: AccessTokenVerifier, challenge: BearerChallenge, refreshKeys: (@Sendable () async -> Bool)? = nil,
        revocations: RevocationSet? = nil
    ) {
        self.verifier = verifier
        self.challenge = challenge
        self.refreshKeys = refreshKeys
        self.revocations = revocations
        self.metrics = VerificationMetrics()
    }

    /// 503 while the revocation set is incomplete: neither 200 (the token may be revoked) nor 401
    /// (it may be valid).
    static var revocationsUnknown: APIError {
        APIError.unavailable("the revocation list is not loaded yet; try again shortly")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let revocations, !revocations.isComplete { throw Self.revocationsUnknown }
        guard let token = AuthorizationHeader.bearerToken(request.headers[.authorization]) else { throw challenge.missingToken }
        let started = ContinuousClock.now
        var context = context
        do {
            context.verifiedClaims = try await verify(token)
            metrics.record(outcome: "accepted", since: started)
        } catch let error as TokenError {
            metrics.record(outcome: error.code.name, since: started)
            // Debug, not info: a flood of forged tokens must not become a flood of log lines; the
            // refusals are counted by outcome in token_verifications_total.
            context.logger.debug("token refused", metadata: ["reason": "\(error.code)"])
            throw challenge.invalidToken(error.reason)
        }
        return try await next(request, context)
    }

    private func verify(_ token: String) async throws -> AccessTokenClaims {
        do {
            return try verifier.verify(token)
        } catch let error as TokenError where error.code == .unknownKey {
            guard let refreshKeys, await refreshKeys() else { throw error }
            return try verifier.verify(token)
        }
    }
}

/// Counts verifications by outcome and times them (`token_verifications_total`,
/// `token_verification_seconds`).
///
/// The counters are made once per outcome and kept: asking the metrics factory for one takes
/// its registry lock and hashes the label and dimensions, which the hot path must not pay per
/// request.
final class VerificationMetrics: Sendable {
    private let timer = Metrics.Timer(label: "token_verification_seconds", preferredDisplayUnit: .seconds)
    private let accepted = VerificationMetrics.counter("accepted")
    private let refused = Mutex<[String: Counter]>([:])

    func record(outcome: String, since started: ContinuousClock.Instant) {
        let counter =
            outcome == "accepted"
            ? accepted
            : refused.withLock { counters in
                if let counter = counters[outcome] { return counter }
                let counter = VerificationMetrics.counter(outcome)
                counters[outcome] = counter
                return counter
            }
        counter.increment()
        timer.recordInterval(since: started)
    }

    private static func counter(_ outcome: String) -> Counter {
        Counter(label: "token_verifications_total", dimensions: [("outcome", outcome)])
    }
}

extension Metrics.Timer {
    fileprivate func recordInterval(since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
