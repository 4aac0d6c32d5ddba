import Logging
import Redis
import ServiceKit
import ServiceLifecycle

/// Keeps `/readyz` true to the facts: Redis answers PING, and the broker has the topics and
/// a live producer connection. With the broker down the issuer still logs users in and queues
/// its events, and `/readyz` says so (503 with the reason "degraded: …").
final class DependencyMonitor: Service {
    private let readiness: Readiness
    private let redis: RedisClient
    private let publisher: EventPublisher
    private let logger: Logger
    private static let interval = Duration.milliseconds(500)

    init(readiness: Readiness, redis: RedisClient, publisher: EventPublisher, logger: Logger) {
        self.readiness = readiness
        self.redis = redis
        self.publisher = publisher
        self.logger = logger
        readiness.require("redis", reason: "not checked yet")
        readiness.require("kafka", reason: "topics not created yet")
    }

    func run() async throws {
        await repeatUntilShutdown(every: Self.interval) { await check() }
    }

    func check() async {
        do {
            try await RedisCall.run { [redis] in try await redis.ping() }
            readiness.satisfy("redis")
        } catch {
            readiness.fail("redis", reason: "Redis is unreachable: login, refresh and logout answer 503")
        }
        if publisher.isHealthy {
            readiness.satisfy("kafka")
        } else {
            readiness.fail(
                "kafka", reason: "degraded: the broker is unreachable; \(publisher.undeliveredCount) events queued for delivery")
        }
    }
}
