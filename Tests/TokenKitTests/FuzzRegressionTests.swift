import Foundation
import Testing

@testable import TokenKit

/// Replays every input a fuzz target found (`Fuzz/corpus/TARGET/regression-*`, docs/FUZZING.md)
/// through the reader that target fuzzes, checking what the target asserts, so that a finding
/// stays fixed without building the fuzz targets.
@Suite struct FuzzRegressionTests {
    static func regressions(of target: String) -> [URL] {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/corpus/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("regression-") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test func findsTheCommittedRegressions() {
        #expect(!Self.regressions(of: "json").isEmpty)
    }

    /// The `json` target: an accepted value re-parses from its written form to the same value.
    @Test(arguments: FuzzRegressionTests.regressions(of: "json"))
    func json(_ file: URL) throws {
        let bytes = Array(try Data(contentsOf: file))
        guard let value = try? JSONValue.parse(bytes) else { return }
        #expect(try JSONValue.parse(Array(value.jsonText.utf8)) == value)
    }

    /// The `jws` and `verify` targets: the verifier never accepts an input that does not
    /// re-encode to exactly its bytes (with the fuzz keys absent, it accepts nothing at all).
    @Test(arguments: FuzzRegressionTests.regressions(of: "jws") + FuzzRegressionTests.regressions(of: "verify"))
    func token(_ file: URL) throws {
        let token = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(Fixtures.refusal(token) != nil)
        _ = try? JWSVerifier.verify(token, keys: KeySet([Fixtures.es256.verificationKey]))
    }

    /// The `jwk` target: an accepted key re-reads from its own JWK as the same key.
    @Test(arguments: FuzzRegressionTests.regressions(of: "jwk"))
    func jwk(_ file: URL) throws {
        let bytes = Array(try Data(contentsOf: file))
        if let object = try? JSONValue.parseObject(bytes), let key = try? JWK.verificationKey(from: object) {
            #expect(try JWK.verificationKey(from: key.jwk).thumbprint == key.thumbprint)
        }
        _ = try? KeySet(jwks: bytes)
    }
}
