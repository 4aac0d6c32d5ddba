import Testing

@testable import TokenKit

/// The cache may skip parsing and the signature, never a rule that can change over time.
@Suite struct VerifiedTokenCacheTests {
    typealias F = Fixtures

    final class Switch: RevocationChecking, @unchecked Sendable {
        // Only mutated before concurrent use in these tests.
        var revoked = false
        func isRevoked(_ claims: AccessTokenClaims) -> Bool { revoked }
    }

    @Test func aCachedTokenStillExpires() throws {
        let verifier = F.verifier(cache: 10)
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        #expect(F.refusal(token, by: verifier) == nil)
        #expect(F.refusal(token, by: verifier, at: F.now + 900 + 31) == .expired)
    }

    @Test func aCachedTokenIsStillRevoked() throws {
        let revocations = Switch()
        let verifier = F.verifier(revocations: revocations, cache: 10)
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        #expect(F.refusal(token, by: verifier) == nil)
        revocations.revoked = true
        #expect(F.refusal(token, by: verifier) == .revoked)
    }

    @Test func aCachedTokenDiesWithItsKey() throws {
        let verifier = F.verifier(cache: 10)
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        #expect(F.refusal(token, by: verifier) == nil)
        verifier.keys.replace(with: try KeySet([F.rs256.verificationKey]))
        #expect(F.refusal(token, by: verifier) == .unknownKey)
    }

    @Test func aHitNeedsTheSameKeyMaterialUnderTheKid() throws {
        let verifier = F.verifier(cache: 10)
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        #expect(F.refusal(token, by: verifier) == nil)
        // Another key published under the same kid: the cached verdict must not carry over.
        let impostor = try JWK.verificationKey(
            from: JSONObject(
                try SigningKey.generate(.es256).verificationKey.jwk.members.map {
                    $0.name == "kid" ? .init(name: "kid", value: .string(F.es256.kid)) : $0
                }))
        verifier.keys.replace(with: try KeySet([impostor]))
        #expect(F.refusal(token, by: verifier) == .badSignature)
    }

    @Test func staysWithinItsCapacity() throws {
        let cache = VerifiedTokenCache(capacity: 8)
        for index in 0..<100 {
            var bytes = Array("token-\(index)".utf8)
            let digest = bytes.withUnsafeMutableBytes { VerifiedTokenCache.Digest(of: UnsafeRawBufferPointer($0)) }
            cache.insert(.init(claims: F.claims(), keySetFingerprint: 1), for: digest, now: F.now)
        }
        #expect(cache.count <= 8)
    }
}
