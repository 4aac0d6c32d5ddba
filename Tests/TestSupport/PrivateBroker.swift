import Foundation
import Glibc

/// A broker of one test's own, started through `$TEST_SERVICES_SCRIPT` on a free port with its
/// own run folder, so that restarting it disturbs no other test.
public struct PrivateBroker: Sendable {
    /// Its loopback port.
    public let port: Int
    let runDirectory: String
    let script: String

    /// Its bootstrap servers.
    public var servers: [String] { ["127.0.0.1:\(port)"] }

    /// - Throws: `PrivateBrokerError` when the script is not given or fails.
    public static func start() async throws -> PrivateBroker {
        guard let script = ProcessInfo.processInfo.environment["TEST_SERVICES_SCRIPT"], !script.isEmpty else {
            throw PrivateBrokerError("TEST_SERVICES_SCRIPT is not set: run the tests through infra/dev/test-env")
        }
        let base = ProcessInfo.processInfo.environment["TEST_RUN_DIR"] ?? NSTemporaryDirectory()
        let port = try freePort()
        let broker = PrivateBroker(port: port, runDirectory: "\(base)/kafka-private-\(port)-\(getpid())", script: script)
        try await broker.services("start")
        return broker
    }

    /// - Throws: `PrivateBrokerError` when the script fails.
    public func restart() async throws { try await services("restart") }

    /// - Throws: `PrivateBrokerError` when the script fails.
    public func stop() async throws { try await services("stop") }

    /// - Throws: `PrivateBrokerError` when the script fails.
    public func start() async throws { try await services("start") }

    /// Sends a signal to the broker process: SIGSTOP freezes it (connections stay open, nothing
    /// is answered), SIGCONT resumes it.
    /// - Throws: `PrivateBrokerError` when its pid file cannot be read or `kill` fails.
    public func signal(_ signal: Int32) throws {
        let text = (try? String(contentsOfFile: runDirectory + "/broker.pid", encoding: .utf8)) ?? ""
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, signal) == 0 else {
            throw PrivateBrokerError("cannot signal the broker of \(runDirectory)")
        }
    }

    /// Runs the script without blocking a thread of the cooperative pool.
    private func services(_ action: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [action, "broker"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUN_DIR"] = runDirectory
        environment["BROKER_PORT"] = "\(port)"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        let (status, output) = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(Int32, String), any Error>) in
            process.terminationHandler = { process in
                // The script's servers do not inherit this pipe, so its end comes with the script's.
                let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (process.terminationStatus, output))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else {
            throw PrivateBrokerError("\(script) \(action) broker (port \(port)) exited \(status): \(output)")
        }
    }

    /// A port that was free a moment ago, below the ephemeral range: the clients' own
    /// reconnection attempts take ephemeral ports, and one of them could hold the broker's port
    /// while it restarts.
    public static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 20_000..<32_000)
            if canBind(port) { return port }
        }
        throw PrivateBrokerError("no free port found in 20000..<32000")
    }

    private static func canBind(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// The broker could not be set up.
public struct PrivateBrokerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
