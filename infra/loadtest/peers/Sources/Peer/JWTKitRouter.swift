import Hummingbird
import JWTKit

/// `GET /api/me` verified by jwt-kit on every request, answering what the resource answers.
func jwtKitRouter(keys: TrustedKeys, policy: ClaimsPolicy) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("api/me") { request, _ -> Me in
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else {
            throw HTTPError(.unauthorized)
        }
        let token = String(authorization.dropFirst("Bearer ".count))
        do {
            let header = try TokenHeader.of(token)
            guard header.isAccessToken, keys.algorithms[header.kid] == header.alg else { throw Refused.header }
            let claims = try await keys.collection.verify(token, as: AccessClaims.self)
            try policy.check(claims)
            return Me(sub: claims.sub.value, roles: claims.roles, sid: claims.sid, exp: claims.exp.value.timeIntervalSince1970)
        } catch {
            throw HTTPError(.unauthorized)
        }
    }
    return router
}

/// The resource's `/api/me` answer.
struct Me: ResponseEncodable {
    let sub: String
    let roles: [String]
    let sid: String
    let exp: Double
}
