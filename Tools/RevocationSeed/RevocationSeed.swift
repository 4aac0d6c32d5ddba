import ArgumentParser
import AuthEvents
import Foundation
import Kafka
import Logging
import TokenKit

/// Writes many revocations the way the issuer's `Revoker` does, fast, for load and memory
/// tests of the resource's denylist (docs/BENCHMARKS.md).
@main
struct RevocationSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revocation-seed",
        abstract: "Write N jti revocations to Redis (revoked:jti:<id>) and/or the revocation topic, in large batches.")

    /// Where the entries go.
    enum Destination: String, ExpressibleByArgument, CaseIterable {
        case redis, kafka, both
    }

    @Option(help: "Redis URL.")
    var redis = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Bootstrap servers, comma-separated.")
    var brokers = ProcessInfo.processInfo.environment["KAFKA_BROKERS"] ?? "127.0.0.1:9092"

    @Option(help: "The revocation topic.")
    var topic = "auth.revocations"

    @Option(help: "How many revocations to write.")
    var count = 1_000_000

    @Option(help: "Where to write them: redis, kafka or both (the same entries to both).")
    var to = Destination.both

    @Option(help: "Seconds from now until each entry expires (its Redis TTL and the event's expiresAt).")
    var ttl = 900

    @Option(help: "SET commands per Redis pipeline.")
    var pipeline = 5_000

    @Option(help: "Redis connections writing at the same time.")
    var connections = 4

    @Option(help: "The producer's linger.ms: longer means fewer, larger batches on the broker.")
    var lingerMs = 100

    @Option(help: "Messages in flight at once (librdkafka's queue holds them until delivered).")
    var window = 100_000

    @Flag(help: "Create the revocation topic (and the key topic with --announce-key) first; existing topics are kept.")
    var createTopics = false

    @Flag(help: "Also announce one fresh ES256 key on --keys-topic, so a resource becomes ready without an issuer.")
    var announceKey = false

    @Option(help: "The key topic, for --announce-key and --create-topics.")
    var keysTopic = "auth.keys"

    @Option(
        help:
            "The private event key (a tokenctl event-key file) that signs what goes to Kafka; without it the events are unsigned and consumers refuse them."
    )
    var eventKey: String?

    @Option(help: "The issuer named in the key announcement and the revocations.")
    var issuer = ProcessInfo.processInfo.environment["ISSUER_URL"] ?? "http://127.0.0.1:8080"

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        guard ttl > 0 else { throw ValidationError("--ttl must be positive") }
        guard pipeline > 0, connections > 0, window > 0 else {
            throw ValidationError("--pipeline, --connections and --window must be positive")
        }
        guard lingerMs >= 0 else { throw ValidationError("--linger-ms must be 0 or more") }
    }

    func run() async throws {
        var logger = Logger(label: "revocation-seed")
        logger.logLevel = .warning
        let batches = SeedBatches(count: count, ttl: Double(ttl), issuer: issuer)
        let signer = try eventKey.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return try EventSigningKey(jwk: JSONValue.parseObject(Array(data)))
        }
        let connection = KafkaConnection(
            bootstrapServers: brokers.split(separator: ",").map(String.init), clientID: "revocation-seed",
            security: try KafkaSecurity(environment: ProcessInfo.processInfo.environment))
        let kafka = KafkaSeeder(
            connection: connection, topic: topic, keysTopic: keysTopic, eventKey: signer, linger: .milliseconds(lingerMs), window: window,
            logger: logger)
        if createTopics { try await kafka.createTopics(keys: announceKey) }
        if announceKey {
            let kid = try await kafka.announceKey(issuer: issuer)
            print("revocation-seed: announced key \(kid) on \(keysTopic)")
        }
        if to != .kafka {
            let seeder = try RedisSeeder(url: redis, pipeline: pipeline, connections: connections)
            let elapsed = try await seeder.write(batches)
            try await seeder.close()
            report("redis", elapsed)
        }
        if to != .redis {
            let elapsed = try await kafka.publish(batches)
            report("kafka topic \(topic)", elapsed)
        }
    }

    private func report(_ destination: String, _ elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(count) / seconds : 0
        print(String(format: "revocation-seed: %d entries to %@ in %.2f s (%.0f/s)", count, destination, seconds, rate))
    }
}
