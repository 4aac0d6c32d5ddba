import Foundation
import ServiceKit
import TokenKit

/// Signs access tokens (RFC 9068 profile) for a session with the key that is current now.
struct TokenMinter: Sendable {
    let keys: SigningKeys
    let issuer: String
    let audience: String
    let lifetime: Duration

    /// A signed access token and its lifetime in seconds.
    /// - Throws: `TokenError` when signing fails, or 503 when no key is current (never expected).
    func mint(for session: Session, now: Double) throws -> (token: String, expiresIn: Int) {
        guard let signer = keys.signer(at: now) else { throw APIError.unavailable("no signing key is current") }
        // iat and nbf keep milliseconds so that a "revoke all" at time T never catches a token
        // issued after T within the same second.
        let issuedAt = (now * 1000).rounded(.down) / 1000
        let seconds = Int(lifetime.seconds)
        let claims = AccessTokenClaims(
            issuer: issuer, subject: session.subject, audience: [audience], expiresAt: issuedAt.rounded(.down) + Double(seconds),
            notBefore: issuedAt, issuedAt: issuedAt, tokenID: RandomID.make(), sessionID: session.id, roles: session.roles)
        return (try signer.sign(claims), seconds)
    }
}
