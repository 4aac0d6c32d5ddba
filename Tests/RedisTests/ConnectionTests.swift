import Logging
import Redis
import ServiceLifecycle
import TestSupport
import Testing

@Suite("Pool, credentials and lifecycle", .timeLimit(.minutes(1)))
struct ConnectionTests {
    @Test func cancelledWaiterLeavesThePool() async throws {
        var configuration = try TestRedis.configuration()
        configuration.poolSize = 1
        try await TestRedis.withClient(configuration) { redis in
            let (holding, held) = AsyncStream.makeStream(of: Void.self)
            let (releasing, release) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await redis.withConnection { _ in
                    held.yield()
                    for await _ in releasing { break }
                }
            }
            for await _ in holding { break }
            let waiter = Task { try await redis.ping() }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            release.yield()
            try await holder.value
            try await redis.ping()
        }
    }

    @Test func passwordAndDatabaseFromTheURLAreApplied() async throws {
        try await PrivateRedis.with { server in
            try await TestRedis.withClient(server.configuration()) { admin in
                try await admin.send("CONFIG", "SET", "requirepass", "pass word")
            }
            let url = "redis://:pass%20word@127.0.0.1:\(server.port)/2"
            try await TestRedis.withClient(try RedisConfiguration(url: url)) { redis in
                try await redis.set("k", to: "v")
                let info = try await redis.send("CLIENT", "INFO").string ?? ""
                #expect(info.contains("db=2"))
            }
            var wrong = try RedisConfiguration(url: "redis://:wrong-secret@127.0.0.1:\(server.port)")
            wrong.poolSize = 1
            try await TestRedis.withClient(wrong) { redis in
                let error = try await #require(throws: RedisError.self) { try await redis.ping() }
                #expect(error.code == .connectionFailed)
                #expect(error.command == "AUTH")
                #expect(!error.description.contains("wrong-secret"))
            }
        }
    }

    @Test func serviceClosesTheClientOnGracefulShutdown() async throws {
        let redis = try RedisClient(configuration: TestRedis.configuration())
        try await redis.ping()
        let group = ServiceGroup(services: [redis], logger: .init(label: "redis-test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let error = try await #require(throws: RedisError.self) { try await redis.ping() }
        #expect(error.code == .clientClosed)
    }
}
