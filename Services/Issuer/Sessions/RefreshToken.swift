import Crypto
import Foundation
import TokenKit

/// An opaque refresh token: the session's 16-byte `sid` followed by 32 random bytes (256 bits),
/// base64url (64 characters). Redis only ever sees its SHA-256; the token itself lives in the
/// client's cookie (or body, for non-browser clients).
///
/// The `sid` travels in the token so that the issuer knows, before it asks Redis, which
/// session a refresh is about: it can then bind the successor's record to that session with
/// its MAC (``RecordAuthenticator``) in the same single script run, and a record that names
/// another session is refused. The `sid` is no secret (every access token carries it).
struct RefreshToken: Sendable, Equatable {
    /// The token as the client holds it. Secret: never log it.
    let text: String
    /// The raw 48 bytes: the sid's 16, then 32 random.
    let bytes: [UInt8]

    /// The length of the raw token.
    static let byteCount = 48
    /// The length of the token as text.
    static let textLength = 64

    /// A fresh random token of session `sessionID` (a ``RandomID``).
    static func generate(sessionID: String) -> RefreshToken {
        let sid = Base64URL.decode(sessionID) ?? []
        precondition(sid.count == 16, "a sid is 16 bytes of base64url")
        let bytes = sid + SystemRandomNumberGenerator.bytes(32)
        return RefreshToken(text: Base64URL.encode(bytes), bytes: bytes)
    }

    /// Reads a token a client presented; nil unless it is exactly 48 bytes of strict base64url.
    init?(presented text: String) {
        guard text.utf8.count == Self.textLength, let bytes = Base64URL.decode(text), bytes.count == Self.byteCount else { return nil }
        self.init(text: text, bytes: bytes)
    }

    private init(text: String, bytes: [UInt8]) {
        self.text = text
        self.bytes = bytes
    }

    /// The session this token claims to belong to (checked against its record in Redis).
    var sessionID: String { Base64URL.encode(Array(bytes[0..<16])) }

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
            let plain = try? AES.GCM.open(box, using: sealingKey), plain.count == Self.byteCount
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
