import Crypto

/// A Lua script, named by the SHA-1 of its source as Redis names it.
///
/// Run it with `evaluate(_:keys:arguments:)`: it is sent by digest (`EVALSHA`) and loaded
/// only when the server does not know it yet (after a restart or `SCRIPT FLUSH`).
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The lower-case hex SHA-1 of the source, as `SCRIPT LOAD` returns it.
    public let sha1: String

    /// A script with this source.
    /// - Parameter source: The Lua source; keys must come from `KEYS`, never be built inside.
    public init(_ source: String) {
        self.source = source
        // swift-crypto's SHA-1: the script's name, not a security measure (Redis's own naming).
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension RedisCommands {
    /// Runs a script: `EVALSHA`, and on `NOSCRIPT` a `SCRIPT LOAD` followed by `EVALSHA` again.
    /// - Parameters:
    ///   - script: The script to run.
    ///   - keys: The keys it touches, as `KEYS[1…]` (so a cluster could route them).
    ///   - arguments: Further values, as `ARGV[1…]`.
    /// - Returns: The script's result.
    /// - Throws: `RedisError`, `serverError` when the script fails.
    @discardableResult
    public func evaluate(
        _ script: RedisScript, keys: [String] = [], arguments: [RedisArgument] = []
    ) async throws -> RedisValue {
        let command = RedisCommand(
            "EVALSHA",
            [RedisArgument(script.sha1), RedisArgument(keys.count)] + keys.map { RedisArgument($0) }
                + arguments)
        do {
            return try await send(command)
        } catch let error as RedisError
            where error.code == .serverError && error.reason.hasPrefix("NOSCRIPT")
        {
            try await scriptLoad(script)
            return try await send(command)
        }
    }

    /// `SCRIPT LOAD source`: stores the script on the server without running it.
    /// - Throws: `RedisError`: `serverError` for a script that does not compile;
    ///   `unexpectedReply` if the server names it by another digest than `script.sha1`.
    public func scriptLoad(_ script: RedisScript) async throws {
        let reply = try await send(RedisCommand("SCRIPT LOAD", RedisArgument(script.source)))
        guard reply.string == script.sha1 else {
            throw RedisError(
                .unexpectedReply, command: "SCRIPT LOAD", reason: "the server's digest differs")
        }
    }
}
