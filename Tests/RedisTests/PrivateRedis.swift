import Foundation
import Redis

/// A redis-server of a test's own, started with `infra/dev/services` on a free port, so a
/// test can stop (SIGSTOP), resume or restart it without disturbing the shared server.
struct PrivateRedis {
    struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        var description: String { "services \(arguments.joined(separator: " ")) exited \(status)" }
    }

    let port: Int
    let runDirectory: URL
    let script: String

    /// Runs `body` with a started instance, and stops it afterwards whatever happens.
    static func with<Result>(_ body: (PrivateRedis) async throws -> Result) async throws -> Result {
        // Under TEST_RUN_DIR, test-env stops the instance even if this process dies first.
        let base = ProcessInfo.processInfo.environment["TEST_RUN_DIR"].map {
            URL(fileURLWithPath: $0)
        }
        let runDirectory = (base ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("redis-test-\(UInt64.random(in: .min ... .max))")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let instance = try PrivateRedis(
            port: freePort(), runDirectory: runDirectory,
            script: TestRedis.environment("TEST_SERVICES_SCRIPT"))
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        do {
            try instance.services("start")
            let result = try await body(instance)
            try instance.services("stop")
            return result
        } catch {
            try? instance.signal(SIGCONT)
            try? instance.services("stop")
            throw error
        }
    }

    /// A client for this instance with a short command timeout and one connection, so every
    /// command of a test goes through the same connection.
    func configuration(commandTimeout: Duration = .milliseconds(300)) -> RedisConfiguration {
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
    /// Spawned with posix_spawn and an empty signal mask rather than Foundation's `Process`:
    /// on Linux the latter leaves most signals blocked in the child, so the daemonised
    /// redis-server ignored SIGTERM, and its `waitUntilExit` hung in these tests.
    func services(_ action: String) throws {
        let arguments = [script, action, "redis"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUN_DIR"] = runDirectory.path
        environment["REDIS_PORT"] = String(port)
        let status = try spawnAndWait(arguments, environment: environment.map { "\($0)=\($1)" })
        guard status == 0 else { throw ScriptFailed(arguments: [action, "redis"], status: status) }
    }

    /// Sends a signal to the server process (SIGSTOP freezes it: connections stay open but
    /// nothing is answered, the way a hung server looks).
    func signal(_ signal: Int32) throws {
        let pidText = try String(
            contentsOf: runDirectory.appendingPathComponent("redis.pid"), encoding: .utf8)
        guard let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ScriptFailed(arguments: ["read pid"], status: -1)
        }
        guard kill(pid, signal) == 0 else { throw ScriptFailed(arguments: ["kill"], status: errno) }
    }
}

/// A loopback TCP port nobody listens on right now: bound to port 0, read back, released.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let status = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
            bind(socketFD, address, length) == 0 ? getsockname(socketFD, address, &length) : -1
        }
    }
    guard status == 0 else { throw PrivateRedis.ScriptFailed(arguments: ["bind"], status: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs a program to completion with default signal handling; returns its exit status.
private func spawnAndWait(_ arguments: [String], environment: [String]) throws -> Int32 {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
        strings.map { strdup($0) } + [nil]
    }
    let argv = cStrings(arguments)
    let envp = cStrings(environment)
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, arguments[0], nil, &attributes, argv, envp)
    guard spawned == 0 else { throw PrivateRedis.ScriptFailed(arguments: arguments, status: spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw PrivateRedis.ScriptFailed(arguments: ["waitpid"], status: errno) }
    }
    // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
}
