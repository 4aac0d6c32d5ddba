import Foundation
import Redis

/// A redis-server of a test's own, started with `infra/dev/services` on a free port, so a
/// test can stop (SIGSTOP), resume or restart it without disturbing the shared server.
public struct PrivateRedis: Sendable {
    /// The services script failed.
    public struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        public var description: String { "services \(arguments.joined(separator: " ")) exited \(status)" }
    }

    /// Its loopback port.
    public let port: Int
    let runDirectory: URL
    let script: String

    /// Runs `body` with a started instance, and stops it afterwards whatever happens.
    public static func with<Result>(_ body: (PrivateRedis) async throws -> Result) async throws -> Result {
        // Under TEST_RUN_DIR, test-env stops the instance even if this process dies first.
        let runDirectory = URL(fileURLWithPath: TestEnvironment.runDirectory).appendingPathComponent(
            "redis-test-\(UInt64.random(in: .min ... .max))")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let instance = try PrivateRedis(
            port: freePort(), runDirectory: runDirectory,
            script: TestEnvironment.servicesScript())
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        do {
            try await instance.services("start")
            let result = try await body(instance)
            try await instance.services("stop")
            return result
        } catch {
            try? instance.signal(SIGCONT)
            try? await instance.services("stop")
            throw error
        }
    }

    /// A client for this instance with a short command timeout and one connection, so every
    /// command of a test goes through the same connection.
    public func configuration(commandTimeout: Duration = .milliseconds(300)) -> RedisConfiguration {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: port)
        configuration.commandTimeout = commandTimeout
        configuration.connectTimeout = .milliseconds(500)
        configuration.poolSize = 1
        configuration.minimumReconnectDelay = .milliseconds(20)
        configuration.maximumReconnectDelay = .milliseconds(200)
        return configuration
    }

    /// `infra/dev/services ACTION redis` for this instance.
    ///
    /// Spawned with TestSupport's `spawnAndWait` (posix_spawn, default signal handling).
    public func services(_ action: String) async throws {
        let arguments = [script, action, "redis"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUN_DIR"] = runDirectory.path
        environment["REDIS_PORT"] = String(port)
        let status = try await spawnAndWait(arguments, environment: environment)
        guard status == 0 else { throw ScriptFailed(arguments: [action, "redis"], status: status) }
    }

    /// Sends a signal to the server process (SIGSTOP freezes it: connections stay open but
    /// nothing is answered, the way a hung server looks).
    public func signal(_ signal: Int32) throws {
        let pidText = try String(
            contentsOf: runDirectory.appendingPathComponent("redis.pid"), encoding: .utf8)
        guard let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ScriptFailed(arguments: ["read pid"], status: -1)
        }
        guard kill(pid, signal) == 0 else { throw ScriptFailed(arguments: ["kill"], status: errno) }
    }
}
