import Foundation
import JWTKit

/// The resource's access-token claims (RFC 9068 profile) as jwt-kit payload.
struct AccessClaims: JWTPayload {
    let iss: IssuerClaim
    let sub: SubjectClaim
    let aud: AudienceClaim
    let exp: ExpirationClaim
    let nbf: NotBeforeClaim
    let iat: IssuedAtClaim
    let jti: IDClaim
    let sid: String
    let roles: [String]

    /// Nothing here: jwt-kit gives this hook no settings, and its claim checks have no leeway,
    /// so ``ClaimsPolicy`` checks the claims right after jwt-kit returns them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The resource's rules for the claims: `iss` equal, `aud` containing the audience, and `exp`,
/// `nbf` and `iat` with the leeway.
struct ClaimsPolicy: Sendable {
    let issuer: String
    let audience: String
    let leeway: TimeInterval

    func check(_ claims: AccessClaims, now: Date = Date()) throws {
        guard claims.iss.value == issuer, claims.aud.value.contains(audience) else { throw Refused.claims }
        guard now < claims.exp.value.addingTimeInterval(leeway) else { throw Refused.claims }
        guard claims.nbf.value <= now.addingTimeInterval(leeway), claims.iat.value <= now.addingTimeInterval(leeway) else {
            throw Refused.claims
        }
    }
}
