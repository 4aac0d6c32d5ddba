import Testing

@testable import TokenKit

@Suite struct JWKTests {
    private func object(_ text: String) throws -> JSONObject { try JSONValue.parseObject(Array(text.utf8)) }

    private func refused(_ text: String) -> Bool {
        guard let object = try? object(text) else { return true }
        return (try? JWK.verificationKey(from: object)) == nil
    }

    @Test func computesTheRFC7638Thumbprint() throws {
        // RFC 7638 §3.1.
        let key = try JWK.verificationKey(
            from: object(
                #"""
                {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
                """#))
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(key.kid == "2011-04-29")
    }

    @Test(arguments: [SignatureAlgorithm.es256, .rs256])
    func privateKeysRoundTripThroughJWKAndPEM(_ alg: SignatureAlgorithm) throws {
        let key = alg == .es256 ? Fixtures.es256 : Fixtures.rs256
        #expect(key.kid == key.verificationKey.thumbprint)
        let fromJWK = try JWK.signingKey(from: key.privateJWK)
        let fromPEM = try SigningKey(pem: key.pem)
        #expect(fromJWK.kid == key.kid)
        #expect(fromPEM.kid == key.kid)
        let message = Array("message".utf8)
        #expect(key.verificationKey.isValidSignature(try fromPEM.sign(message), for: message))
    }

    @Test func publicJWKHasNoPrivateMembers() {
        for key in [Fixtures.es256, Fixtures.rs256] {
            let names = Set(key.verificationKey.jwk.names)
            #expect(names.isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]))
            #expect(names.isSuperset(of: ["kty", "kid", "use", "alg"]))
        }
    }

    @Test func refusesKeysThatAreNotUsableForES256OrRS256() throws {
        let ec = Fixtures.es256.verificationKey.jwk
        func ecWith(_ name: String, _ value: JSONValue) -> String {
            var copy = ec
            copy.members.removeAll { $0.name == name }
            copy.members.append(.init(name: name, value: value))
            return JSONValue.object(copy).jsonText
        }
        #expect(refused(#"{"kty":"oct","k":"AAAA"}"#))
        #expect(refused(ecWith("crv", .string("P-384"))))
        #expect(refused(ecWith("use", .string("enc"))))
        #expect(refused(ecWith("alg", .string("ES512"))))
        #expect(refused(ecWith("alg", .string("RS256"))))
        #expect(refused(ecWith("key_ops", .array([.string("encrypt")]))))
        #expect(refused(ecWith("y", .string(Base64URL.encode([UInt8](repeating: 7, count: 32))))))
        #expect(refused(ecWith("kty", .string("RSA"))))
        #expect(!refused(JSONValue.object(ec).jsonText))
    }

    @Test func refusesWeakRSAKeys() {
        let n2048 = Base64URL.encode([0xC1] + [UInt8](repeating: 0x5B, count: 254) + [0x01])
        let n1024 = Base64URL.encode([0xC1] + [UInt8](repeating: 0x5B, count: 126) + [0x01])
        #expect(refused(#"{"kty":"RSA","n":"\#(n1024)","e":"AQAB"}"#))
        #expect(refused(#"{"kty":"RSA","n":"\#(n2048)","e":"AQ"}"#))
        #expect(refused(#"{"kty":"RSA","n":"AA\#(n2048.dropFirst(2))","e":"AQAB"}"#))
    }

    @Test func detectsTheROCAFingerprint() {
        // A product of primes of the ROCA form p = k·M + (65537^a mod M) passes every residue test;
        // here the fingerprint test is checked on 65537^a itself, which lies in the subgroup.
        var power: [UInt8] = [0x01, 0x00, 0x01]
        #expect(RSAKeyChecks.hasROCAFingerprint(power))
        power = [0x01, 0x00, 0x02]
        #expect(!RSAKeyChecks.hasROCAFingerprint(power))
        #expect(!RSAKeyChecks.hasROCAFingerprint(Fixtures.rs256.rsaComponents!.n))
    }

    @Test func refusesAPrivateKeyWhosePublicHalfDoesNotMatch() throws {
        var jwk = Fixtures.es256.privateJWK
        let other = try SigningKey.generate(.es256).privateJWK
        jwk.members.removeAll { $0.name == "d" }
        jwk.members.append(other.members.first { $0.name == "d" }!)
        #expect(throws: TokenError.self) { try JWK.signingKey(from: jwk) }
    }

    @Test func keySetRefusesDuplicateKidsAndMixedSets() throws {
        let pub = JSONValue.object(Fixtures.es256.verificationKey.jwk).jsonText
        let priv = JSONValue.object(Fixtures.rs256.privateJWK).jsonText
        #expect(throws: TokenError.self) { try KeySet(jwks: Array(#"{"keys":[\#(pub),\#(pub)]}"#.utf8)) }
        #expect(throws: TokenError.self) { try KeySet(jwks: Array(#"{"keys":[\#(pub),\#(priv)]}"#.utf8)) }
        #expect(try KeySet(jwks: Array(#"{"keys":[\#(pub)]}"#.utf8)).count == 1)
    }

    @Test func jwksIsStableAndPublicOnly() throws {
        let set = try KeySet([Fixtures.rs256.verificationKey, Fixtures.es256.verificationKey])
        let again = try KeySet([Fixtures.es256.verificationKey, Fixtures.rs256.verificationKey])
        #expect(set.jwks.jsonText == again.jwks.jsonText)
        #expect(!set.jwks.jsonText.contains("\"d\""))
    }
}
