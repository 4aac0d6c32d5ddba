import Foundation
import TokenKit

/// Reads key files named on the command line.
enum KeyFiles {
    /// A private key from a JWK or PEM file.
    static func signingKey(at path: String) throws -> SigningKey {
        let bytes = try read(path)
        if bytes.first(where: { !$0.isWhitespace }) == UInt8(ascii: "{") {
            return try JWK.signingKey(from: try JSONValue.parseObject(bytes))
        }
        return try SigningKey(pem: String(decoding: bytes, as: UTF8.self))
    }

    /// Public keys from a JWKS file, or a single JWK file.
    static func keySet(at path: String) throws -> KeySet {
        let bytes = try read(path)
        let object = try JSONValue.parseObject(bytes)
        if object["keys"] != nil { return try KeySet(jwks: bytes) }
        return try KeySet([JWK.verificationKey(from: object)])
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputFailure(message: "cannot read \(path)")
        }
        return Array(data)
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
