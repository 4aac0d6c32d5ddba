import Foundation

/// Runs a program to completion with default signal handling and returns its exit status.
///
/// posix_spawn with an empty signal mask rather than Foundation's `Process`: on Linux the
/// latter leaves most signals blocked in the child, so daemons started by our scripts ignored
/// SIGTERM, and its `waitUntilExit` hung while a daemon the script started was still running.
/// The wait happens off the cooperative pool (``offThePool(_:)``).
public func spawnAndWait(
    _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
) async throws -> Int32 {
    try await offThePool { try spawnAndWaitBlocking(arguments, environment: environment) }
}

private func spawnAndWaitBlocking(_ arguments: [String], environment: [String: String]) throws -> Int32 {
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

    func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] { strings.map { strdup($0) } + [nil] }
    let argv = cStrings(arguments)
    let envp = cStrings(environment.map { "\($0)=\($1)" })
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, arguments[0], nil, &attributes, argv, envp)
    guard spawned == 0 else { throw SpawnFailed(arguments: arguments, status: spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw SpawnFailed(arguments: ["waitpid"], status: errno) }
    }
    // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
}

/// A program could not be started or waited for.
public struct SpawnFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public var description: String { "\(arguments.joined(separator: " ")) failed with status \(status)" }
}

/// A loopback port that was free a moment ago, below the ephemeral range: clients' own
/// reconnection attempts take ephemeral ports, and one of them could hold a server's port while
/// it restarts.
/// - Throws: ``TestSetupError`` when 100 random ports were all taken.
public func freePort() throws -> Int {
    for _ in 0..<100 {
        let port = Int.random(in: 20_000..<32_000)
        if canBind(port) { return port }
    }
    throw TestSetupError("no free port found in 20000..<32000")
}

private func canBind(_ port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { return false }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
