import Foundation

@testable import TokenKit

/// Keys, claims and hand-made tokens shared by the suites. Keys are generated once per test
/// process: RSA key generation is slow.
enum Fixtures {
    static let issuer = "https://issuer.test"
    static let audience = "api"
    static let now: Double = 1_800_000_000

    static let es256 = try! SigningKey.generate(.es256)
    static let rs256 = try! SigningKey.generate(.rs256)

    static func claims(
        exp: Double = now + 900, nbf: Double = now, iat: Double = now, aud: [String] = [audience],
        iss: String = issuer, jti: String = "jti-1", sid: String = "sid-1"
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: iss, subject: "alice", audience: aud, expiresAt: exp, notBefore: nbf,
            issuedAt: iat, tokenID: jti, sessionID: sid, roles: ["user"])
    }

    static func claimsJSON(_ claims: AccessTokenClaims = claims()) -> String {
        String(decoding: claims.jsonBytes, as: UTF8.self)
    }

    /// A token with any header and payload text, signed by `key` over exactly those bytes.
    static func token(header: String, payload: String, key: SigningKey = es256) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = try! key.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    static func header(_ key: SigningKey = es256, alg: String? = nil, typ: String? = "at+jwt", extra: String = "") -> String {
        var members = ["\"alg\":\"\(alg ?? key.algorithm.rawValue)\"", "\"kid\":\"\(key.kid)\""]
        if let typ { members.append("\"typ\":\"\(typ)\"") }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func verifier(
        keys: [SigningKey] = [es256, rs256], revocations: any RevocationChecking = NoRevocations(), cache: Int = 0, leeway: Double = 30,
        issuer: String = issuer, audience: String = audience
    ) -> AccessTokenVerifier {
        AccessTokenVerifier(
            policy: try! ValidationPolicy(issuer: issuer, audience: audience, leeway: leeway),
            keys: KeyDirectory(try! KeySet(keys.map(\.verificationKey))),
            revocations: revocations, cacheCapacity: cache)
    }

    /// The refusal code, or nil when the token is accepted.
    static func refusal(_ token: String, by verifier: AccessTokenVerifier = verifier(), at time: Double = now) -> TokenError.Code? {
        do {
            _ = try verifier.verify(token, now: time)
            return nil
        } catch let error as TokenError {
            return error.code
        } catch {
            return .malformed
        }
    }

    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// Revokes the ids it is given: an in-memory fake of the resource services' revocation set.
struct FakeRevocations: RevocationChecking {
    var tokenIDs: Set<String> = []
    var sessionIDs: Set<String> = []
    var subjectsRevokedBefore: [String: Double] = [:]

    func isRevoked(_ claims: AccessTokenClaims) -> Bool {
        tokenIDs.contains(claims.tokenID) || sessionIDs.contains(claims.sessionID)
            || (subjectsRevokedBefore[claims.subject].map { claims.issuedAt < $0 } ?? false)
    }
}
