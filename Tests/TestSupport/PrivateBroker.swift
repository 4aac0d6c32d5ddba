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
        let script = try TestEnvironment.servicesScript()
        let base = TestEnvironment.runDirectory
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
}

/// The broker could not be set up.
public struct PrivateBrokerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
