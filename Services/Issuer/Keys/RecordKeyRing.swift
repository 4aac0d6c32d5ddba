import Foundation
import TokenKit

/// The keys of ``RecordAuthenticator``, kept in the keystore as `record-keys.json` (mode 0600,
/// written like every keystore file: to a temporary file, then renamed).
///
/// Rotation (`issuer record-key rotate`) adds a key that becomes current and keeps the
/// previous ones, so records written under them stay valid until they end; a key replaced
/// longer ago than `SESSION_MAX_AGE` can no longer be on any live record and is dropped then.
/// A running issuer reads the ring at start: restart it (every instance) after a rotation.
struct RecordKeyRing: Codable, Sendable, Equatable {
    struct Key: Codable, Sendable, Equatable {
        /// A short random id, written in front of every tag made with the key.
        var id: String
        /// 32 random bytes, base64url. Secret.
        var secret: String
        /// When it was created (seconds since the epoch).
        var createdAt: Double
        /// When another key replaced it as current, if one did.
        var replacedAt: Double?
    }

    /// The id of the key new tags are made with.
    var current: String
    var keys: [Key]

    /// A ring of one fresh key.
    static func fresh(now: Double) -> RecordKeyRing {
        let key = Self.newKey(now: now)
        return RecordKeyRing(current: key.id, keys: [key])
    }

    /// Adds a new current key, marks the previous one replaced, and drops the keys replaced
    /// more than `retention` ago.
    mutating func rotate(now: Double, retention: Duration) {
        let key = Self.newKey(now: now)
        for index in keys.indices where keys[index].replacedAt == nil { keys[index].replacedAt = now }
        keys.removeAll { ($0.replacedAt ?? now) < now - retention.seconds }
        keys.append(key)
        current = key.id
    }

    private static func newKey(now: Double) -> Key {
        Key(
            id: Base64URL.encode(SystemRandomNumberGenerator.bytes(6)), secret: Base64URL.encode(SystemRandomNumberGenerator.bytes(32)),
            createdAt: now)
    }
}

extension KeyStore {
    private var recordKeysPath: String { directory + "/record-keys.json" }

    /// The record key ring; a new one (saved) when the keystore has none yet.
    /// - Throws: when the file exists but cannot be read, or a new one cannot be written.
    func loadOrCreateRecordKeys(now: Double) throws -> RecordKeyRing {
        if let data = FileManager.default.contents(atPath: recordKeysPath) {
            return try JSONDecoder().decode(RecordKeyRing.self, from: data)
        }
        try prepare()
        let ring = RecordKeyRing.fresh(now: now)
        try saveRecordKeys(ring)
        return ring
    }

    /// Saves the record key ring (mode 0600).
    /// - Throws: a Foundation error.
    func saveRecordKeys(_ ring: RecordKeyRing) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(try encoder.encode(ring), to: recordKeysPath)
    }
}
