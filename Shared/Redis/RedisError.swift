import ErrorCodes

/// Every error the Redis module throws.
///
/// It names the command that failed but never its arguments: keys and values may hold tokens
/// or session secrets, and errors end up in logs.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the codes are below. New codes never break callers.
    public typealias Code = ErrorCode<RedisErrors>

    /// What kind of failure this is.
    public let code: Code
    /// The name of the command that failed (`GET`, `SCRIPT LOAD`); `nil` when none was involved.
    public let command: String?
    /// What went wrong, in words (the server's message for `serverError`).
    public let reason: String
    /// The source file that raised the error.
    public let file: String
    /// The source line that raised the error.
    public let line: UInt

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - command: The command's name only, never its arguments.
    ///   - reason: What went wrong.
    public init(
        _ code: Code, command: String?, reason: String, file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.command = command
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// For example `Redis GET failed (timeout): Resource temporarily unavailable`.
    public var description: String {
        let subject = command.map { "Redis \($0)" } ?? "Redis"
        return "\(subject) failed (\(code)): \(reason)"
    }

    /// An error reply turned into an error. Redis echoes the first arguments of an unknown
    /// command ("with args beginning with: …"); that part is cut so no argument leaks.
    static func server(_ message: String, command: String) -> RedisError {
        var message = Substring(message)
        if let echo = message.firstRange(of: ", with args beginning with") {
            message = message[..<echo.lowerBound]
        }
        return RedisError(.serverError, command: command, reason: String(message))
    }
}

/// The family of ``RedisError``'s codes.
public enum RedisErrors {}

extension ErrorCode where Family == RedisErrors {
    /// Connecting (TCP, AUTH or SELECT) failed, or reconnecting is backing off after failures.
    public static let connectionFailed = Self("connection_failed")
    /// The server closed the connection or the socket failed; the connection was dropped.
    public static let connectionClosed = Self("connection_closed")
    /// Connecting or a command took longer than its configured timeout; the connection was
    /// dropped because a late reply would otherwise be read as the answer to the next command.
    public static let timeout = Self("timeout")
    /// The server answered with an error reply; `reason` holds its message.
    public static let serverError = Self("server_error")
    /// hiredis could not parse what the server sent; the connection was dropped.
    public static let protocolError = Self("protocol_error")
    /// The reply had a type the typed command does not accept.
    public static let unexpectedReply = Self("unexpected_reply")
    /// The configuration or URL is not usable.
    public static let invalidConfiguration = Self("invalid_configuration")
    /// The client was closed.
    public static let clientClosed = Self("client_closed")
}
