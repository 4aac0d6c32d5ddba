import Crypto
import Foundation
import TokenKit

/// An opaque refresh token: 32 random bytes (256 bits), base64url. Redis only ever sees its
/// SHA-256; the token itself lives in the client's cookie (or body, for non-browser clients).
struct RefreshToken: Sendable, Equatable {
    /// The token as the client holds it. Secret: never log it.
    let text: String
    /// The raw 32 bytes.
    let bytes: [UInt8]

    /// A fresh random token.
    static func generate() -> RefreshToken {
        let bytes = SystemRandomNumberGenerator.bytes(32)
        return RefreshToken(text: Base64URL.encode(bytes), bytes: bytes)
    }

    /// Reads a token a client presented; nil unless it is exactly 32 bytes of strict base64url.
    init?(presented text: String) {
        guard text.utf8.count == 43, let bytes = Base64URL.decode(text), bytes.count == 32 else { return nil }
        self.init(text: text, bytes: bytes)
    }

    private init(text: String, bytes: [UInt8]) {
        self.text = text
        self.bytes = bytes
    }

    /// The lower-case hex SHA-256, the token's only form in Redis.
    var digest: String { SHA256.hash(data: bytes).lowercaseHex }

    /// Encrypts this token's successor under a key derived from this token (HKDF-SHA256,
    /// AES-256-GCM), so the successor kept in Redis for the reuse grace window is useless to
    /// anyone holding only a copy of the store: it holds this token's hash, never the token.
    func seal(successor: RefreshToken) throws -> [UInt8] {
        let box = try AES.GCM.seal(successor.bytes, using: sealingKey)
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    /// Decrypts the successor sealed by ``seal(successor:)``; nil when it does not open.
    func open(sealedSuccessor: [UInt8]) -> RefreshToken? {
        guard let box = try? AES.GCM.SealedBox(combined: sealedSuccessor),
            let plain = try? AES.GCM.open(box, using: sealingKey), plain.count == 32
        else { return nil }
        let bytes = Array(plain)
        return RefreshToken(text: Base64URL.encode(bytes), bytes: bytes)
    }

    /// HKDF-SHA256 (RFC 5869) of this token's bytes, 32 bytes long, so one block: the extract
    /// and one expand step, written out as the two HMACs that `HKDF.deriveKey` computes through
    /// its generic code (which was 3 % of a refresh's CPU in perf).
    var sealingKey: SymmetricKey {
        let pseudorandomKey = HMAC<SHA256>.authenticationCode(for: bytes, using: Self.sealingSalt)
        let block = HMAC<SHA256>.authenticationCode(for: Self.sealingInfo, using: SymmetricKey(data: pseudorandomKey))
        return SymmetricKey(data: block)
    }

    private static let sealingSalt = SymmetricKey(data: Array("token-infra refresh successor".utf8))
    /// The info `v1` and the block counter 1.
    private static let sealingInfo: [UInt8] = Array("v1".utf8) + [1]
}

/// Random identifiers for `sid` and `jti`: 16 bytes, base64url.
enum RandomID {
    static func make() -> String {
        Base64URL.encode(SystemRandomNumberGenerator.bytes(16))
    }
}
