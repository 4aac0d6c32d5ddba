import Foundation
import Testing

@testable import TokenKit

/// The Wycheproof vectors in ../shared/testvectors/wycheproof, run in full: every case of an
/// algorithm we support gets the expected verdict; every case of another algorithm, and
/// every invalid key, is refused.
@Suite struct WycheproofTests {
    static let folder = Fixtures.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testvectors/wycheproof")

    static func load(_ name: String) throws -> JSONObject {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try JSONValue.parseObject(Array(data))
    }

    static func groups(_ document: JSONObject) -> [JSONObject] {
        document["testGroups"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    static func tests(_ group: JSONObject) -> [JSONObject] {
        group["tests"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    static func number(_ value: JSONValue?) -> Int {
        if case .number(let n) = value { return Int(n) }
        return -1
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// Whether a JWS names one of our algorithms in its header.
    static func namesSupportedAlgorithm(_ jws: String) -> Bool {
        guard let header = jws.split(separator: ".", omittingEmptySubsequences: false).first,
            let bytes = Base64URL.decode(header), let object = try? JSONValue.parseObject(bytes),
            let alg = object["alg"]?.stringValue
        else { return false }
        return SignatureAlgorithm(rawValue: alg) != nil
    }

    static func verdict(_ jws: JSONValue?, keys: KeySet?) -> Bool {
        guard let keys, let compact = jws?.stringValue else { return false }
        return (try? JWSVerifier.verify(compact, keys: keys)) != nil
    }

    /// Some ECDSA groups give the key only as an uncompressed point (04‖x‖y).
    static func jwk(fromUncompressed group: JSONObject) -> JSONObject {
        let point = hex(group["publicKey"]?.objectValue?["uncompressed"]?.stringValue ?? "")
        let x = point.count == 65 ? Array(point[1..<33]) : [], y = point.count == 65 ? Array(point[33...]) : []
        return JSONObject(JWK.members(["kty": "EC", "crv": "P-256", "x": Base64URL.encode(x), "y": Base64URL.encode(y)]))
    }

    @Test func jsonWebSignatureVectors() throws {
        let document = try Self.load("json_web_signature_test.json")
        var accepted = 0, total = 0
        for group in Self.groups(document) {
            let jwk = group["public"]?.objectValue ?? group["private"]?.objectValue
            let keys = jwk.flatMap { try? KeySet([JWK.verificationKey(from: $0)]) }
            for test in Self.tests(group) {
                total += 1
                let expected = test["result"]?.stringValue == "valid" && Self.namesSupportedAlgorithm(test["jws"]?.stringValue ?? "")
                let got = Self.verdict(test["jws"], keys: keys)
                #expect(got == expected, "tcId \(Self.number(test["tcId"])): \(test["comment"]?.stringValue ?? "")")
                if got { accepted += 1 }
            }
        }
        #expect(total == Self.number(document["numberOfTests"]))
        #expect(accepted >= 10, "the valid ES256/RS256 cases must be accepted")
    }

    @Test func jsonWebKeyVectors() throws {
        let document = try Self.load("json_web_key_test.json")
        var total = 0
        for group in Self.groups(document) {
            let set = group["public"] ?? group["private"]
            let keys = set.flatMap { try? KeySet(jwks: Array($0.jsonText.utf8)) }
            for test in Self.tests(group) {
                total += 1
                let expected = test["result"]?.stringValue == "valid" && Self.namesSupportedAlgorithm(test["jws"]?.stringValue ?? "")
                #expect(
                    Self.verdict(test["jws"], keys: keys) == expected,
                    "tcId \(Self.number(test["tcId"])): \(test["comment"]?.stringValue ?? "")")
            }
        }
        #expect(total == Self.number(document["numberOfTests"]))
    }

    @Test(arguments: [("ecdsa_secp256r1_sha256_p1363_test.json", "publicKeyJwk"), ("rsa_signature_2048_sha256_test.json", "keyJwk")])
    func signatureVectors(_ file: String, _ keyMember: String) throws {
        let document = try Self.load(file)
        var total = 0
        for group in Self.groups(document) {
            let key = try? JWK.verificationKey(from: group[keyMember]?.objectValue ?? Self.jwk(fromUncompressed: group))
            for test in Self.tests(group) {
                total += 1
                let result = test["result"]?.stringValue
                guard result != "acceptable" else { continue }
                let valid = key?.isValidSignature(Self.hex(test["sig"]!.stringValue!), for: Self.hex(test["msg"]!.stringValue!))
                #expect((valid ?? false) == (result == "valid"), "tcId \(Self.number(test["tcId"])): \(test["comment"]?.stringValue ?? "")")
            }
        }
        #expect(total == Self.number(document["numberOfTests"]))
    }
}
