import BearerAuth
import Hummingbird
import Redis
import Revocation
import ServiceKit
import TokenKit

/// Refuses, behind ``BearerAuthMiddleware``, an access token that the issuer revoked: its
/// `jti` or `sid`, or its subject's "revoke all" after the token was issued. The issuer reads
/// the revocation keys straight from Redis (one MGET), which is where it writes them first.
struct RevokedTokenGuard<Context: IdentifiedRequestContext>: RouterMiddleware {
    let redis: RedisClient
    let challenge: BearerChallenge

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if try await RedisCall.run({ try await isRevoked(context.identity) }) { throw challenge.invalidToken("token is revoked") }
        return try await next(request, context)
    }

    private func isRevoked(_ claims: AccessTokenClaims) async throws -> Bool {
        let values = try await redis.mget([
            RevocationKeys.key(.token(id: claims.tokenID)), RevocationKeys.key(.session(id: claims.sessionID)),
            RevocationKeys.key(.subject(id: claims.subject, issuedBefore: 0)),
        ])
        if values[0] != nil || values[1] != nil { return true }
        guard let subjectEvent = values[2] else { return false }
        guard let event = try? RevocationEvent(decoding: subjectEvent),
            case .subject(_, let issuedBefore) = event.target
        else { return true }
        return claims.issuedAt < issuedBefore
    }
}
