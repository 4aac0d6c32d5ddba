import Testing

@testable import TokenKit

/// One test (or more) per verification rule of CONTRACT.md "Access tokens": each would fail
/// if its rule were removed.
@Suite struct VerifierRuleTests {
    typealias F = Fixtures

    @Test(arguments: [SignatureAlgorithm.es256, .rs256])
    func acceptsAValidToken(_ alg: SignatureAlgorithm) throws {
        let key = alg == .es256 ? F.es256 : F.rs256
        let token = try AccessTokenSigner(key: key).sign(F.claims())
        let claims = try F.verifier().verify(token, now: F.now)
        #expect(claims == F.claims())
    }

    @Test func refusesTokensOver8KiB() {
        let padding = String(repeating: "x", count: 8200)
        let token = F.token(header: F.header(), payload: F.claimsJSON().dropLast() + ",\"pad\":\"\(padding)\"}")
        #expect(F.refusal(token) == .tooLarge)
    }

    @Test func refusesAnythingButThreeStrictParts() throws {
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        let parts = token.split(separator: ".").map(String.init)
        #expect(F.refusal(parts[0] + "." + parts[1]) == .malformed)
        #expect(F.refusal(token + ".") == .malformed)
        #expect(F.refusal(token + ".x") == .malformed)
        #expect(F.refusal(parts[0] + "=." + parts[1] + "." + parts[2]) == .malformed)
        #expect(F.refusal(parts[0] + "." + parts[1] + "." + parts[2] + "=") == .malformed)
        #expect(F.refusal(parts[0] + "." + parts[1] + " ." + parts[2]) == .malformed)
        #expect(F.refusal("") == .malformed)
    }

    @Test func refusesHeadersAndClaimsThatAreNotStrictObjects() {
        #expect(F.refusal(F.token(header: "[1]", payload: F.claimsJSON())) == .invalidJSON)
        #expect(F.refusal(F.token(header: F.header(), payload: "\"claims\"")) == .invalidJSON)
        let duplicateHeader = F.header(extra: "\"alg\":\"ES256\"")
        #expect(F.refusal(F.token(header: duplicateHeader, payload: F.claimsJSON())) == .invalidJSON)
        let duplicateClaims = F.claimsJSON().dropLast() + ",\"sub\":\"admin\"}"
        #expect(F.refusal(F.token(header: F.header(), payload: String(duplicateClaims))) == .invalidJSON)
    }

    @Test(arguments: ["none", "NONE", "HS256", "HS512", "PS256", "ES384", "RS512", "EdDSA", ""])
    func refusesAlgorithmsOutsideTheAllowList(_ alg: String) {
        #expect(F.refusal(F.token(header: F.header(alg: alg), payload: F.claimsJSON())) == .unsupportedAlgorithm)
    }

    @Test func refusesAnUnsignedNoneToken() {
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"at+jwt"}"#.utf8))
        let token = header + "." + Base64URL.encode(Array(F.claimsJSON().utf8)) + "."
        #expect(F.refusal(token) != nil)
    }

    @Test func refusesAHeaderAlgOtherThanTheKeysOwn() {
        // The kid names the ES256 key; the header claims RS256 (signed with the RSA key).
        let header = #"{"alg":"RS256","typ":"at+jwt","kid":"\#(F.es256.kid)"}"#
        #expect(F.refusal(F.token(header: header, payload: F.claimsJSON(), key: F.rs256)) == .algorithmMismatch)
    }

    @Test func refusesUnknownOrMissingKid() throws {
        let stranger = try SigningKey.generate(.es256)
        #expect(F.refusal(try AccessTokenSigner(key: stranger).sign(F.claims())) == .unknownKey)
        let noKid = #"{"alg":"ES256","typ":"at+jwt"}"#
        #expect(F.refusal(F.token(header: noKid, payload: F.claimsJSON()), by: F.verifier(keys: [F.es256])) == .unknownKey)
    }

    @Test(arguments: ["jwk", "jku", "x5u", "x5c"])
    func neverTrustsKeysCarriedInTheToken(_ member: String) {
        let header = F.header(extra: "\"\(member)\":\"https://attacker.example/k\"")
        #expect(F.refusal(F.token(header: header, payload: F.claimsJSON())) == .embeddedKey)
    }

    @Test func refusesCriticalHeaders() {
        let header = F.header(extra: #""crit":["exp"],"exp":1"#)
        #expect(F.refusal(F.token(header: header, payload: F.claimsJSON())) == .unknownCritical)
    }

    @Test(arguments: [SignatureAlgorithm.es256, .rs256])
    func refusesABadSignature(_ alg: SignatureAlgorithm) throws {
        let key = alg == .es256 ? F.es256 : F.rs256
        let token = try AccessTokenSigner(key: key).sign(F.claims())
        var signature = Base64URL.decode(token.split(separator: ".")[2])!
        signature[5] ^= 0x01
        let parts = token.split(separator: ".")
        #expect(F.refusal(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)) == .badSignature)
        // Claims changed after signing.
        let altered = parts[0] + "." + Base64URL.encode(Array(F.claimsJSON(F.claims(jti: "other")).utf8)) + "." + parts[2]
        #expect(F.refusal(altered) == .badSignature)
    }

    @Test func requiresTypAtJWT() {
        #expect(F.refusal(F.token(header: F.header(typ: nil), payload: F.claimsJSON())) == .wrongType)
        #expect(F.refusal(F.token(header: F.header(typ: "JWT"), payload: F.claimsJSON())) == .wrongType)
        #expect(F.refusal(F.token(header: F.header(typ: "application/at+jwt"), payload: F.claimsJSON())) == nil)
    }

    @Test func requiresTheConfiguredIssuer() throws {
        #expect(F.refusal(try AccessTokenSigner(key: F.es256).sign(F.claims(iss: "https://evil.test"))) == .wrongIssuer)
    }

    @Test func comparesIssuerAndAudienceByteForByte() throws {
        // "é" precomposed (U+00E9) and decomposed ("e" + U+0301) are equal as Swift Strings.
        let composed = "https://issu\u{E9}r.test", decomposed = "https://issue\u{301}r.test"
        #expect(composed == decomposed)
        let signer = AccessTokenSigner(key: F.es256)
        let verifier = F.verifier(issuer: composed, audience: "caf\u{E9}")
        #expect(F.refusal(try signer.sign(F.claims(aud: ["caf\u{E9}"], iss: decomposed)), by: verifier) == .wrongIssuer)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["cafe\u{301}"], iss: composed)), by: verifier) == .wrongAudience)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["caf\u{E9}"], iss: composed)), by: verifier) == nil)
    }

    @Test func requiresTheConfiguredAudienceAsStringOrArrayMember() throws {
        let signer = AccessTokenSigner(key: F.es256)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["other"]))) == .wrongAudience)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["other", F.audience]))) == nil)
        let stringAudience = F.claimsJSON().replacingOccurrences(of: "\"aud\":\"api\"", with: "\"aud\":\"apix\"")
        #expect(F.refusal(F.token(header: F.header(), payload: stringAudience)) == .wrongAudience)
    }

    /// RFC 7519 §2: no canonicalisation. U+212A KELVIN SIGN is canonically equivalent to `K`
    /// and U+037E GREEK QUESTION MARK to `;`, so `String`'s `==` called them equal.
    @Test func comparesCompatibilityEquivalentCharactersByteForByte() throws {
        let policy = try ValidationPolicy(issuer: "https://issuer.test/K", audience: "api;K")
        let verifier = AccessTokenVerifier(policy: policy, keys: KeyDirectory(try KeySet([F.es256.verificationKey])))
        let signer = AccessTokenSigner(key: F.es256)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["api;K"], iss: "https://issuer.test/K")), by: verifier) == nil)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["api;K"], iss: "https://issuer.test/\u{212A}")), by: verifier) == .wrongIssuer)
        #expect(F.refusal(try signer.sign(F.claims(aud: ["api\u{037E}K"], iss: "https://issuer.test/K")), by: verifier) == .wrongAudience)
    }

    @Test func appliesExpiryNotBeforeAndIssuedAtWithLeeway() throws {
        let signer = AccessTokenSigner(key: F.es256)
        #expect(F.refusal(try signer.sign(F.claims(exp: F.now - 31))) == .expired)
        #expect(F.refusal(try signer.sign(F.claims(exp: F.now - 29))) == nil)
        #expect(F.refusal(try signer.sign(F.claims(nbf: F.now + 31))) == .notYetValid)
        #expect(F.refusal(try signer.sign(F.claims(nbf: F.now + 29))) == nil)
        #expect(F.refusal(try signer.sign(F.claims(iat: F.now + 31))) == .issuedInFuture)
        #expect(F.refusal(try signer.sign(F.claims(exp: F.now - 1)), by: F.verifier(leeway: 0)) == .expired)
    }

    @Test func capsTheLeewayAtSixtySeconds() {
        #expect(throws: TokenError.self) { try ValidationPolicy(issuer: F.issuer, audience: F.audience, leeway: 61) }
    }

    @Test(arguments: ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "roles"])
    func requiresEveryClaimOfTheProfile(_ claim: String) throws {
        var object = try JSONValue.parseObject(Array(F.claimsJSON().utf8))
        object.members.removeAll { $0.name == claim }
        #expect(F.refusal(F.token(header: F.header(), payload: JSONValue.object(object).jsonText)) == .invalidClaim)
        object.members.append(.init(name: claim, value: .object(JSONObject())))
        #expect(F.refusal(F.token(header: F.header(), payload: JSONValue.object(object).jsonText)) == .invalidClaim)
    }

    @Test func refusesRevokedTokenIDsSessionsAndSubjects() throws {
        let token = try AccessTokenSigner(key: F.es256).sign(F.claims())
        #expect(F.refusal(token, by: F.verifier(revocations: FakeRevocations(tokenIDs: ["jti-1"]))) == .revoked)
        #expect(F.refusal(token, by: F.verifier(revocations: FakeRevocations(sessionIDs: ["sid-1"]))) == .revoked)
        #expect(F.refusal(token, by: F.verifier(revocations: FakeRevocations(subjectsRevokedBefore: ["alice": F.now + 1]))) == .revoked)
        #expect(F.refusal(token, by: F.verifier(revocations: FakeRevocations(subjectsRevokedBefore: ["alice": F.now - 1]))) == nil)
    }
}
