import Crypto
import Foundation
import TokenKit

/// The issuer's MAC over every Redis record it reads back to decide a refresh (the session,
/// each refresh-token record, the grace window's sealed successor), so that a record written
/// by anyone else — anyone who can write to Redis — is refused (`invalid_grant`) instead of
/// minting a token (CONTRACT.md "Kafka": "every record the issuer reads back to decide a
/// refresh is authenticated by the issuer").
///
/// HMAC-SHA256 under a 256-bit key from the keystore (``RecordKeyRing``). A tag is
/// `<key id>.<base64url MAC>`; the MAC covers a label naming the kind of record and each field
/// with its length (so no two field lists give the same input), including the record's own
/// identity (the sid, the digest), so a tag cannot be moved to another record. Tags made
/// under any key of the ring verify: after a rotation, records written under the previous key
/// keep working until they end.
struct RecordAuthenticator: Sendable {
    /// What a tag is about; part of the MAC's input.
    enum Kind: String, Sendable {
        /// `session:<sid>`: sid, sub, roles JSON, expires_at.
        case session
        /// `refresh:<digest>`: digest, sid, idle deadline.
        case refresh
        /// `refresh-successor:<digest>`: the spent token's digest, sid, the sealed successor.
        case successor
    }

    /// The key new tags are made with.
    let currentID: String
    private let keys: [String: SymmetricKey]

    /// An authenticator over a ring's keys.
    /// - Throws: ``KeyStoreError`` when the ring's current key is missing.
    init(ring: RecordKeyRing) throws {
        var keys: [String: SymmetricKey] = [:]
        for key in ring.keys {
            guard let secret = Base64URL.decode(key.secret), secret.count == 32 else {
                throw KeyStoreError("record key \(key.id) is not 32 bytes of base64url")
            }
            keys[key.id] = SymmetricKey(data: secret)
        }
        guard keys[ring.current] != nil else { throw KeyStoreError("the record key ring names a current key it does not hold") }
        self.currentID = ring.current
        self.keys = keys
    }

    /// The tag of a record's fields under the current key.
    func tag(_ kind: Kind, _ fields: [String]) -> String {
        tag(kind, fields.map { Array($0.utf8) })
    }

    /// The tag of a record's fields (as bytes) under the current key.
    func tag(_ kind: Kind, _ fields: [[UInt8]]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Self.input(kind, fields), using: keys[currentID]!)
        return currentID + "." + Base64URL.encode(Array(mac))
    }

    /// Whether `tag` was made by the issuer for exactly these fields, under any key of the ring.
    func isValid(_ tag: String?, _ kind: Kind, _ fields: [String]) -> Bool {
        isValid(tag, kind, fields.map { Array($0.utf8) })
    }

    /// Whether `tag` was made by the issuer for exactly these fields (as bytes).
    func isValid(_ tag: String?, _ kind: Kind, _ fields: [[UInt8]]) -> Bool {
        guard let tag, let dot = tag.firstIndex(of: "."), let key = keys[String(tag[..<dot])],
            let mac = Base64URL.decode(String(tag[tag.index(after: dot)...])), mac.count == 32
        else { return false }
        // Constant time.
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.input(kind, fields), using: key)
    }

    private static func input(_ kind: Kind, _ fields: [[UInt8]]) -> [UInt8] {
        var input = Array("token-infra record v1 \(kind.rawValue)".utf8)
        for field in fields {
            let count = UInt32(field.count)
            input += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            input += field
        }
        return input
    }
}
