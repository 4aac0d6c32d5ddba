import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The end-to-end tests, one at a time: some stop and restart parts of the shared cluster.
@Suite(.serialized) enum EndToEnd {}

/// The private dev cluster that `infra/dev/e2e-env` starts for these tests: the real
/// executables, a real Redis and the real broker on their own loopback ports.
enum Cluster {
    static func environment(_ name: String) -> String {
        do {
            return try TestEnvironment.value(name)
        } catch {
            Issue.record("\(error) — the end-to-end tests run through infra/dev/e2e-env")
            return ""
        }
    }

    static var issuer: String { environment("E2E_ISSUER_URL") }
    static var jwks: String { environment("E2E_JWKS_URL") }
    static var resources: [String] { environment("E2E_RESOURCE_URLS").split(separator: " ").map(String.init) }
    static var runDirectory: String { environment("RUN_DIR") }

    /// Runs the cluster script (`stop APP`, `start APP`, `restart APP`) or the services script.
    @discardableResult
    static func script(_ path: String, _ arguments: [String]) async throws -> Int32 {
        try await spawnAndWait([path] + arguments)
    }

    static func cluster(_ arguments: String...) async throws {
        #expect(try await script(environment("E2E_CLUSTER"), arguments) == 0, "cluster \(arguments)")
    }

    static func services(_ arguments: String...) async throws {
        let path = URL(fileURLWithPath: environment("E2E_CLUSTER")).deletingLastPathComponent().appendingPathComponent("services").path
        #expect(try await script(path, arguments) == 0, "services \(arguments)")
    }

    /// Sends a signal to the broker or Redis (SIGSTOP / SIGCONT) by its pid file.
    static func signal(_ component: String, _ signal: Int32) throws {
        let pidText = try String(contentsOfFile: "\(runDirectory)/\(component).pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, signal) == 0)
    }

    /// The resource app names of the cluster script, by URL.
    static func appName(ofResource url: String) -> String {
        "resource-" + (url.split(separator: ":").last.map(String.init) ?? "")
    }
}
