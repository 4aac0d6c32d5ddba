import AuthEvents
import Foundation
import TokenKit

/// The issuer's keystore folder: one private JWK file per key (`<kid>.jwk`, mode 0600), the
/// event-signing key (`event-signing.jwk`) and the key ring's state (`ring.json`), so the same keys sign and verify after a restart.
///
/// Every write goes to a temporary file first and is renamed into place, so a crash never
/// leaves half a key or half a ring. Private keys never leave this folder.
struct KeyStore: Sendable {
    /// The folder.
    let directory: String

    private var ringPath: String { directory + "/ring.json" }

    /// Creates the folder (mode 0700) if needed.
    /// - Throws: a Foundation error when it cannot be created.
    func prepare() throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The saved ring, or nil when there is none yet.
    /// - Throws: when the file exists but cannot be read or decoded.
    func loadRing() throws -> KeyRing? {
        guard FileManager.default.fileExists(atPath: ringPath) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: ringPath))
        return try JSONDecoder().decode(KeyRing.self, from: data)
    }

    /// Saves the ring.
    /// - Throws: a Foundation error.
    func saveRing(_ ring: KeyRing) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(try encoder.encode(ring), to: ringPath)
    }

    /// The event-signing key (`event-signing.jwk`, mode 0600), created on first use.
    /// - Throws: when it exists but cannot be read, or cannot be written.
    func eventSigningKey() throws -> EventSigningKey {
        let path = directory + "/event-signing.jwk"
        if let data = FileManager.default.contents(atPath: path) {
            do {
                return try EventSigningKey(jwk: JSONValue.parseObject(Array(data)))
            } catch {
                throw KeyStoreError("\(path) is not an Ed25519 event-signing key: \(error)")
            }
        }
        try prepare()
        let key = EventSigningKey.generate()
        try write(Data(JSONValue.object(key.privateJWK).jsonText.utf8), to: path)
        return key
    }

    /// Reads the private key `kid`.
    /// - Throws: ``KeyStoreError`` when it is missing or is not the key the ring names.
    func loadKey(_ kid: String) throws -> SigningKey {
        let path = try keyPath(kid)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyStoreError("the private key of \(kid) is missing from the keystore")
        }
        let key = try JWK.signingKey(from: JSONValue.parseObject(Array(data)))
        guard key.kid == kid else { throw KeyStoreError("the key file of \(kid) holds another key") }
        return key
    }

    /// Saves a private key (mode 0600).
    /// - Throws: a Foundation error.
    func saveKey(_ key: SigningKey) throws {
        try write(Data(JSONValue.object(key.privateJWK).jsonText.utf8), to: try keyPath(key.kid))
    }

    /// Deletes the private key of a removed key; a missing file is not an error.
    func deleteKey(_ kid: String) {
        guard let path = try? keyPath(kid) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The file of a key. A kid is a base64url thumbprint; anything else is refused so that a
    /// kid can never name a path outside the folder.
    private func keyPath(_ kid: String) throws -> String {
        let allowed = kid.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed, !kid.isEmpty, kid.utf8.count <= 128 else { throw KeyStoreError("a kid that is not base64url") }
        return directory + "/" + kid + ".jwk"
    }

    func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw KeyStoreError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw KeyStoreError("cannot rename \(temporary) into place") }
    }
}

/// A keystore that cannot be used; the issuer refuses to start with it.
struct KeyStoreError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
