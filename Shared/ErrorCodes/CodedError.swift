/// A stable, machine-readable error code of one family of errors (`Family`), named in
/// snake_case (`unknown_key`). Callers switch on it, logs and metrics carry its name; the
/// family keeps the codes of one module from being mixed up with another's.
///
/// Codes are static constants in an extension (`extension ErrorCode where Family == …`), so
/// adding one never breaks a caller.
public struct ErrorCode<Family>: Hashable, Sendable, CustomStringConvertible {
    /// The code's stable name.
    public let name: String

    /// Declares a code; only the module that owns `Family` should.
    public init(_ name: String) { self.name = name }

    public var description: String { name }
}

/// The error every module of this package throws: a stable ``ErrorCode`` and a reason for
/// people, which never quotes a token, a key or a password (errors end up in logs). Each
/// module names its own: `typealias TokenError = CodedError<TokenErrors>`.
public struct CodedError<Family>: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code's type.
    public typealias Code = ErrorCode<Family>

    /// What went wrong.
    public let code: Code
    /// What went wrong, in words.
    public let reason: String
    /// Where it was raised, for debugging.
    public let file: String
    /// The line where it was raised.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `code: reason`.
    public var description: String { "\(code): \(reason)" }

    /// Equal when code and reason are; where it was raised does not matter.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }
}
