import Hummingbird
import Metrics
import TokenKit

/// Verifies the `Authorization: Bearer` token of every request locally and puts its claims in
/// the context; the token is never read from a query parameter or a cookie.
///
/// No token: 401 with a bare challenge. A bad, expired or revoked token: 401 `invalid_token`
/// with the reason. A token whose `kid` is unknown may first trigger one JWKS refresh (with a
/// cooldown) and is then verified once more.
public struct BearerAuthMiddleware<Context: AuthenticatedRequestContext>: RouterMiddleware {
    let verifier: AccessTokenVerifier
    let challenge: BearerChallenge
    let refreshKeys: (@Sendable () async -> Bool)?
    let metrics = VerificationMetrics()

    /// Creates the middleware.
    /// - Parameter refreshKeys: called when a token names an unknown `kid`; returns whether the
    ///   keys may have changed, so the token is worth a second try.
    public init(verifier: AccessTokenVerifier, challenge: BearerChallenge, refreshKeys: (@Sendable () async -> Bool)? = nil) {
        self.verifier = verifier
        self.challenge = challenge
        self.refreshKeys = refreshKeys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else { throw challenge.missingToken }
        let started = ContinuousClock.now
        var context = context
        do {
            context.identity = try await verify(token)
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

    /// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// Counts verifications by outcome and times them (`token_verifications_total`,
/// `token_verification_seconds`).
struct VerificationMetrics: Sendable {
    private let timer = Metrics.Timer(label: "token_verification_seconds", preferredDisplayUnit: .seconds)

    func record(outcome: String, since started: ContinuousClock.Instant) {
        Counter(label: "token_verifications_total", dimensions: [("outcome", outcome)]).increment()
        timer.recordInterval(since: started)
    }
}

extension Metrics.Timer {
    fileprivate func recordInterval(since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
