import NIOCore

/// One argument of a Redis command: binary-safe bytes.
///
/// String and integer literals convert, so `RedisCommand("SET", "k", "v")` reads naturally.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral
{
    /// The bytes sent to the server.
    public var bytes: [UInt8]

    /// The argument made of these bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The argument made of the string's UTF-8 bytes.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The argument made of the integer's decimal form, as Redis expects numbers.
    public init(_ value: some BinaryInteger) { self.bytes = Array(String(value).utf8) }

    /// The argument made of the readable bytes of a buffer (the buffer is not consumed).
    public init(_ buffer: ByteBuffer) { self.bytes = Array(buffer.readableBytesView) }

    /// The argument made of the literal's UTF-8 bytes.
    public init(stringLiteral value: String) { self.init(value) }

    /// The argument made of the literal's decimal form.
    public init(integerLiteral value: Int) { self.init(value) }
}

/// A command: its name (one or two words, e.g. `GET` or `SCRIPT LOAD`) and its arguments.
public struct RedisCommand: Sendable, Hashable {
    /// The name, upper-cased; the only part of a command that errors and logs may show.
    public let name: String
    /// The arguments after the name.
    public var arguments: [RedisArgument]

    /// A command with these arguments.
    /// - Parameters:
    ///   - name: One or two words such as `GET` or `SCRIPT LOAD`, sent as separate arguments.
    ///   - arguments: The arguments after the name.
    public init(_ name: String, _ arguments: [RedisArgument]) {
        self.name = name.uppercased()
        self.arguments = arguments
    }

    /// A command with these arguments.
    /// - Parameters:
    ///   - name: One or two words such as `GET` or `SCRIPT LOAD`, sent as separate arguments.
    ///   - arguments: The arguments after the name.
    public init(_ name: String, _ arguments: RedisArgument...) {
        self.init(name, arguments)
    }

    /// Everything sent on the wire: the name's words, then the arguments.
    var wireArguments: [RedisArgument] {
        name.split(separator: " ").map { RedisArgument(String($0)) } + arguments
    }
}
