/// A string token read by ``JSONScanner``: the raw bytes in the buffer when the string had
/// no escapes (the common case, no allocation), or its decoded bytes otherwise.
struct JSONKey {
    private let raw: UnsafeBufferPointer<UInt8>?
    private let decoded: [UInt8]?
    /// The name packed into one word (length in the top byte, up to 7 bytes below), for a
    /// `switch` over known member names and quick comparisons; 0 for longer names.
    let packed: UInt64

    init(raw: UnsafeBufferPointer<UInt8>) {
        self.raw = raw
        self.decoded = nil
        packed = Self.pack(raw)
    }

    init(decoded: [UInt8]) {
        self.raw = nil
        self.decoded = decoded
        packed = decoded.withUnsafeBufferPointer(Self.pack)
    }

    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard bytes.count <= 7 else { return 0 }
        var value = UInt64(bytes.count) << 56
        for index in 0..<bytes.count { value |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        return value
    }

    /// Calls `body` with the string's UTF-8 bytes.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let raw { return try body(raw) }
        return try decoded!.withUnsafeBufferPointer(body)
    }

    /// The packed form of an ASCII literal of at most 7 bytes (see ``packed``).
    static func pack(_ literal: StaticString) -> UInt64 {
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return pack(bytes)
    }

    /// Whether the string points into the parsed buffer (it had no escapes).
    var isRaw: Bool { raw != nil }

    /// Whether the string equals an ASCII literal.
    func equals(_ literal: StaticString) -> Bool {
        withBytes { bytes in
            bytes.count == literal.utf8CodeUnitCount
                && Self.same(bytes, UnsafeBufferPointer(start: literal.utf8Start, count: bytes.count))
        }
    }

    /// Whether two strings are equal: one word comparison for short names.
    func equals(_ other: JSONKey) -> Bool {
        if packed != 0 || other.packed != 0 { return packed == other.packed }
        return other.withBytes { theirs in withBytes { Self.same($0, theirs) } }
    }

    /// Whether the string has these bytes.
    func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes { Self.same($0, other) }
    }

    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] { return false }
        return true
    }

    /// The string as a Swift `String` (already validated as UTF-8 by the scanner).
    func string() throws -> String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }
}

/// The member names of one object, for duplicate detection without allocating in the common
/// case: up to ``inlineCapacity`` unescaped names are kept as pointers into the parsed buffer
/// in caller-provided (stack) storage and compared linearly; escaped names and names beyond
/// that go to a hash set, so a crafted 8 KiB object of tiny members cannot cost quadratic time.
struct JSONKeySet {
    static let inlineCapacity = 16
    private let inline: UnsafeMutableBufferPointer<JSONKey>
    private var inlineCount = 0
    private var overflow: Set<[UInt8]> = []

    /// - Parameter storage: room for ``inlineCapacity`` names, valid while the set is used.
    init(storage: UnsafeMutableBufferPointer<JSONKey>) { inline = storage }

    /// Adds a name. - Returns: false if it was already present.
    mutating func insert(_ key: JSONKey) -> Bool {
        for index in 0..<inlineCount where inline[index].equals(key) { return false }
        if key.isRaw && inlineCount < Self.inlineCapacity {
            if !overflow.isEmpty && key.withBytes({ overflow.contains(Array($0)) }) { return false }
            // Only unescaped names are kept here; they own no memory, so the storage needs no
            // deinitialisation.
            (inline.baseAddress! + inlineCount).initialize(to: key)
            inlineCount += 1
            return true
        }
        return overflow.insert(key.withBytes { Array($0) }).inserted
    }
}
