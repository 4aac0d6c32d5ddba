/// One reply from Redis, copied out of hiredis's reply object before that object is freed.
///
/// The cases follow RESP2: simple strings (`+OK`), errors (`-ERR …`), integers, bulk strings
/// (binary-safe bytes), the null bulk string or array, and arrays of any of these.
public enum RedisValue: Sendable, Hashable {
    /// A status reply such as `OK` or `PONG`.
    case simpleString(String)
    /// An error reply, e.g. `NOSCRIPT No matching script`. Inside a pipeline errors stay values.
    case error(String)
    /// An integer reply.
    case integer(Int64)
    /// A bulk string: the stored bytes, unchanged.
    case bulkString([UInt8])
    /// The null bulk string or null array (a missing key, a failed `SET … NX`).
    case null
    /// An array reply (MGET, SMEMBERS, SCAN, script results).
    case array([RedisValue])

    /// The bytes of a bulk or simple string; `nil` for every other case.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): bytes
        case .simpleString(let string): Array(string.utf8)
        default: nil
        }
    }

    /// A bulk or simple string decoded as UTF-8 (invalid sequences repaired); `nil` otherwise.
    public var string: String? {
        switch self {
        case .bulkString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .simpleString(let string): string
        default: nil
        }
    }

    /// The value of an integer reply; `nil` for every other case.
    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The elements of an array reply; `nil` for every other case.
    public var array: [RedisValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    /// Whether this is the null reply.
    public var isNull: Bool { self == .null }
}
