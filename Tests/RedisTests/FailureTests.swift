import Foundation
import Redis
import TestSupport
import Testing

@Suite("Timeouts, refused connections and reconnecting", .serialized, .timeLimit(.minutes(1)))
struct FailureTests {
    @Test func refusedConnectionFailsQuicklyAndClearly() async throws {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: try freePort())
        configuration.poolSize = 1
        // Long enough that the second attempt lands inside the back-off even on a loaded machine.
        configuration.minimumReconnectDelay = .seconds(10)
        configuration.maximumReconnectDelay = .seconds(10)
        // A refusal must not wait for either timeout; both are far above what a loaded machine
        // adds (a refused connect has taken 3.8 s with every core busy).
        configuration.connectTimeout = .seconds(30)
        configuration.commandTimeout = .seconds(30)
        try await TestRedis.withClient(configuration) { redis in
            let start = ContinuousClock.now
            let error = try await #require(throws: RedisError.self) { try await redis.get("k") }
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(error.code == .connectionFailed)
            #expect(error.command == "GET")
            #expect(error.reason.contains("Connection refused"))
            // The next attempt within the back-off window fails at once without connecting.
            let again = try await #require(throws: RedisError.self) { try await redis.get("k") }
            #expect(again.code == .connectionFailed)
            #expect(again.reason.contains("next one in"))
        }
    }

    @Test func stoppedServerTimesOutThenRecoversAfterSIGCONT() async throws {
        try await PrivateRedis.with { server in
            try await TestRedis.withClient(server.configuration()) { redis in
                try await redis.set("k", to: "before")
                try server.signal(SIGSTOP)
                let start = ContinuousClock.now
                let error = try await #require(throws: RedisError.self) { try await redis.get("k") }
                let waited = ContinuousClock.now - start
                #expect(error.code == .timeout)
                #expect(error.command == "GET")
                #expect(waited >= .milliseconds(250) && waited < .seconds(5))  // 300 ms, plus what a loaded machine adds
                try server.signal(SIGCONT)
                // The timed-out connection was dropped: the next command opens a new one and
                // cannot read the stale reply to the GET above.
                #expect(try await redis.incr("n") == 1)
                #expect(try await redis.getString("k") == "before")
            }
        }
    }

    @Test func stoppedServerFailsEveryWaitingCommand() async throws {
        try await PrivateRedis.with { server in
            var configuration = server.configuration()
            configuration.poolSize = 2
            try await TestRedis.withClient(configuration) { redis in
                try await redis.ping()
                try server.signal(SIGSTOP)
                let start = ContinuousClock.now
                let failures = await withTaskGroup(of: RedisError.Code?.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            do {
                                try await redis.ping()
                                return nil
                            } catch let error as RedisError {
                                return error.code
                            } catch {
                                return nil
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(failures.count == 4)
                #expect(failures.allSatisfy { $0 == .timeout || $0 == .connectionFailed })
                #expect(ContinuousClock.now - start < .seconds(3))
                try server.signal(SIGCONT)
                try await waitUntil("the restarted server to answer", timeout: .seconds(5)) {
                    try await redis.ping()
                    return true
                }
            }
        }
    }

    @Test func restartedServerIsReconnected() async throws {
        try await PrivateRedis.with { server in
            try await TestRedis.withClient(server.configuration(commandTimeout: .seconds(1))) { redis in
                try await redis.set("k", to: "v")
                try await server.services("restart")
                // The old connection may fail once (the server closed it); after that a new
                // one is opened and the empty restarted server answers.
                try await waitUntil("the empty restarted server to answer", timeout: .seconds(5)) { try await redis.get("k") == nil }
                try await redis.ping()
            }
        }
    }

    @Test func closedClientRejectsCommands() async throws {
        let redis = try RedisClient(configuration: TestRedis.configuration())
        try await redis.ping()
        try await redis.close()
        let error = try await #require(throws: RedisError.self) { try await redis.ping() }
        #expect(error.code == .clientClosed)
    }
}
