import Foundation
import JWTKit

/// The issuer's public keys from a JWKS file (written by the load test from the dev cluster's
/// `jwks` service), in jwt-kit's key collection, and the algorithm each `kid` is pinned to.
struct TrustedKeys: Sendable {
    /// jwt-kit's keys, without a default key: jwt-kit would verify a token with an unknown
    /// `kid` against its default key, which the resource never does.
    let collection: JWTKeyCollection
    /// The JWKS's `alg` of each `kid`.
    let algorithms: [String: String]

    static func load(jwksFile path: String) async throws -> TrustedKeys {
        let json = try String(contentsOfFile: path, encoding: .utf8)
        let collection = JWTKeyCollection()
        try await collection.add(jwksJSON: json)
        await collection.clearDefault()
        let listed = try JSONDecoder().decode(KeyList.self, from: Data(json.utf8))
        return TrustedKeys(collection: collection, algorithms: Dictionary(listed.keys.map { ($0.kid, $0.alg) }) { $1 })
    }

    private struct KeyList: Decodable {
        struct Key: Decodable {
            let kid: String
            let alg: String
        }

        let keys: [Key]
    }
}
