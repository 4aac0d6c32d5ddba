import Foundation

/// A string token read by ``JSONScanner``: the raw bytes in the buffer when the string had
/// no escapes (the common case, no allocation), or its decoded bytes otherwise.
struct JSONKey {
    private let raw: UnsafeBufferPointer<UInt8>?
    private let decoded: [UInt8]?

    init(raw: UnsafeBufferPointer<UInt8>) {
        self.raw = raw
        self.decoded = nil
    }

    init(decoded: [UInt8]) {
        self.raw = nil
        self.decoded = decoded
    }

    /// Calls `body` with the string's UTF-8 bytes.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let raw { return try body(raw) }
        return try decoded!.withUnsafeBufferPointer(body)
    }

    /// Whether the string equals an ASCII literal.
    func equals(_ literal: StaticString) -> Bool {
        withBytes { bytes in
            bytes.count == literal.utf8CodeUnitCount
                && (bytes.isEmpty || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
        }
    }

    /// Whether two strings have the same content.
    func equals(_ other: JSONKey) -> Bool {
        withBytes { mine in
            other.withBytes { theirs in
                mine.count == theirs.count
                    && (mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
            }
        }
    }

    /// The string as a Swift `String` (already validated as UTF-8 by the scanner).
    func string() throws -> String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }
}

/// The member names of one object, for duplicate detection: a linear scan for the few
/// members real headers have, a hash set beyond that so that a crafted 8 KiB object of
/// tiny members cannot cost quadratic time.
struct JSONKeySet {
    private static let linearLimit = 16
    private var keys: [JSONKey] = []
    private var hashed: Set<[UInt8]> = []

    /// Adds a name. - Returns: false if it was already present.
    mutating func insert(_ key: JSONKey) -> Bool {
        if keys.count < Self.linearLimit {
            for existing in keys where existing.equals(key) { return false }
            keys.append(key)
            if keys.count == Self.linearLimit {
                for existing in keys { hashed.insert(existing.withBytes { Array($0) }) }
            }
            return true
        }
        return hashed.insert(key.withBytes { Array($0) }).inserted
    }
}
