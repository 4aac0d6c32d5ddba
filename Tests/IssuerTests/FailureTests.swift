import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Issuer

extension IssuerServiceTests {
    /// The failure table of ARCHITECTURE.md for the issuer.
    @Suite("Failures", .enabled(if: TestEnvironment.available), .timeLimit(.minutes(3)))
    struct FailureTests {
        @Test("Redis stopped (SIGSTOP): login, refresh and logout answer 503 quickly, never hang or 500")
        func redisStopped() async throws {
            let script = try #require(TestEnvironment.servicesScript)
            try await withTemporaryDirectory { folder in
                // Under $TEST_RUN_DIR, so test-env stops it even if this test dies.
                let runDirectory = (ProcessInfo.processInfo.environment["TEST_RUN_DIR"] ?? folder) + "/issuer-" + uniqueName("redis")
                // A random port below the ephemeral range; another test may have taken it, so retry.
                var port = 0
                var environment: [String: String] = [:]
                for attempt in 1...5 {
                    port = Int.random(in: 20_000..<32_000)
                    environment = ["RUN_DIR": runDirectory, "REDIS_PORT": String(port)]
                    do {
                        try Self.run(script, ["start", "redis"], environment: environment)
                        break
                    } catch  where attempt < 5 {
                        continue
                    }
                }
                defer {
                    try? Self.run(script, ["stop", "redis"], environment: environment)
                    try? FileManager.default.removeItem(atPath: runDirectory)
                }
                let pid = try #require(
                    Int32(
                        String(contentsOfFile: runDirectory + "/redis.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                    ))
                let name = uniqueName("mona")
                try await withIssuer(["REDIS_URL": "redis://127.0.0.1:\(port)"], users: [name: ("mona-password", ["user"])]) { issuer in
                    let tokens = try await issuer.loggedIn(name, "mona-password")
                    kill(pid, SIGSTOP)
                    defer { kill(pid, SIGCONT) }
                    let clock = ContinuousClock()
                    let requests: [(String, @Sendable () async throws -> TestResponse)] = [
                        ("login", { @Sendable in try await issuer.login(name, "mona-password") }),
                        ("refresh", { @Sendable in try await issuer.refresh(tokens.refreshToken) }),
                        (
                            "logout",
                            { @Sendable in
                                try await issuer.post(
                                    "/auth/logout", headers: [.cookie: "refresh_token=\(tokens.refreshToken)", .xRequestedWith: "fetch"])
                            }
                        ),
                    ]
                    for (label, request) in requests {
                        var response: TestResponse?
                        let elapsed = try await clock.measure { response = try await request() }
                        #expect(response?.status == .serviceUnavailable, "\(label)")
                        #expect(response?.errorCode == "temporarily_unavailable", "\(label)")
                        #expect(response?.headers[.retryAfter] != nil, "\(label)")
                        #expect(elapsed < .seconds(3), "\(label) took \(elapsed)")
                    }
                    kill(pid, SIGCONT)
                    // Back to normal once Redis answers again (the client reconnects by itself).
                    var status = HTTPResponse.Status.serviceUnavailable
                    for _ in 0..<40 where status != .ok {
                        try await Task.sleep(for: .milliseconds(250))
                        status = try await issuer.login(name, "mona-password").status
                    }
                    #expect(status == .ok)
                }
            }
        }

        @Test("Broker unreachable: login and refresh still work, readiness says degraded")
        func brokerUnreachable() async throws {
            let name = uniqueName("nina")
            try await withIssuer(["KAFKA_BROKERS": "127.0.0.1:1"], users: [name: ("nina-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "nina-password")
                #expect(try await issuer.refresh(tokens.refreshToken).status == .ok)
                var ready = try await issuer.client.execute(uri: "/readyz", method: .get)
                for _ in 0..<40 where !String(buffer: ready.body).contains("degraded") {
                    try await Task.sleep(for: .milliseconds(250))
                    ready = try await issuer.client.execute(uri: "/readyz", method: .get)
                }
                #expect(ready.status == .serviceUnavailable)
                #expect(String(buffer: ready.body).contains("degraded"))
            }
        }

        @Test("Broker restarted empty: the issuer creates the topics again and re-announces its keys")
        func brokerRestartedEmpty() async throws {
            let script = try #require(TestEnvironment.servicesScript)
            try await withTemporaryDirectory { folder in
                let runDirectory = (ProcessInfo.processInfo.environment["TEST_RUN_DIR"] ?? folder) + "/issuer-" + uniqueName("broker")
                var port = 0
                var environment: [String: String] = [:]
                for attempt in 1...5 {
                    port = Int.random(in: 20_000..<32_000)
                    environment = ["RUN_DIR": runDirectory, "BROKER_PORT": String(port)]
                    do {
                        try Self.run(script, ["start", "broker"], environment: environment)
                        break
                    } catch  where attempt < 5 {
                        continue
                    }
                }
                defer {
                    try? Self.run(script, ["stop", "broker"], environment: environment)
                    try? FileManager.default.removeItem(atPath: runDirectory)
                }
                let brokers = "127.0.0.1:\(port)"
                let restart = environment
                try await withIssuer(["KAFKA_BROKERS": brokers, "KEY_ANNOUNCE_INTERVAL": "1s"]) { issuer in
                    let kid = try #require(issuer.components.keys.ring.timelines.first?.kid)
                    func delivered() -> Int { issuer.recorder.all.filter { $0.key == kid && $0.delivered }.count }
                    for _ in 0..<100 where delivered() == 0 { try await Task.sleep(for: .milliseconds(100)) }
                    #expect(delivered() > 0)
                    try Self.run(script, ["restart", "broker"], environment: restart)
                    let before = delivered()
                    for _ in 0..<300 where delivered() <= before + 1 { try await Task.sleep(for: .milliseconds(100)) }
                    #expect(delivered() > before + 1)
                }
                // The new, empty broker has the keys topic again, with the key on it.
                let message = try await EventStreamTests.firstMessage(topic: "test.auth.keys", brokers: brokers) { _ in true }
                #expect(message != nil)
            }
        }

        static func run(_ script: String, _ arguments: [String], environment: [String: String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw SettingError("\(script) \(arguments) failed") }
        }
    }
}
