import AuthEvents
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Redis
import ServiceKit
import Synchronization
import TestSupport
import Testing
import TokenKit

@testable import Issuer

/// An in-memory user store (a fake behind ``UserStore``), so router tests need no SQLite file;
/// the SQLite store has its own test.
final class InMemoryUserStore: UserStore {
    private let users = Mutex<[String: User]>([:])

    func user(named username: String) async throws -> User? { users.withLock { $0[username] } }
    func save(_ user: User) async throws { users.withLock { $0[user.username] = user } }
    func delete(named username: String) async throws -> Bool { users.withLock { $0.removeValue(forKey: username) != nil } }
}

/// Wraps the Kafka publisher and remembers what was delivered, so tests can see that an event
/// reached the broker (a delivery report means the broker stored it).
final class RecordingPublisher: EventPublishing {
    struct Record: Sendable {
        let topic: String
        let key: String
        let value: [UInt8]
        let delivered: Bool
    }

    let inner: any EventPublishing
    private let records = Mutex<[Record]>([])

    init(_ inner: any EventPublishing) { self.inner = inner }

    func publish(topic: String, key: String, value: [UInt8], wait: Duration) async -> Bool {
        // Tests wait for delivery so they can assert on it; the issuer itself waits less.
        let delivered = await inner.publish(topic: topic, key: key, value: value, wait: max(wait, .seconds(10)))
        records.withLock { $0.append(Record(topic: topic, key: key, value: value, delivered: delivered)) }
        return delivered
    }

    var all: [Record] { records.withLock { $0 } }
}

/// Keeps the recorder that wraps the issuer's publisher.
final class RecorderHolder: Sendable {
    private let slot = Mutex<RecordingPublisher?>(nil)

    func wrap(_ inner: any EventPublishing) -> any EventPublishing {
        let recorder = RecordingPublisher(inner)
        slot.withLock { $0 = recorder }
        return recorder
    }

    var recorder: RecordingPublisher? { slot.withLock { $0 } }
}

/// A private temporary folder, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = NSTemporaryDirectory() + "issuer-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// A unique name, so parallel tests never share users, counters or sessions.
func uniqueName(_ prefix: String) -> String { prefix + "-" + UUID().uuidString.prefix(8).lowercased() }

struct TestIssuer {
    let components: IssuerComponents
    let recorder: RecordingPublisher
    let client: any TestClientProtocol

    /// The issuer's public event key, as a consumer pins it.
    var eventKeys: PinnedEventKeys {
        get throws { try PinnedEventKeys([KeyStore(directory: components.settings.keystoreDirectory).eventSigningKey().publicKey]) }
    }

    /// The JSON of an event the issuer published, once its signature is checked.
    func opened(_ message: [UInt8]) throws -> [UInt8] { try SignedEvent.open(message, keys: eventKeys) }
}

/// Builds an issuer against the test Redis and broker, with `users` (password, roles), runs
/// `body` against its router in process, then stops it.
func withIssuer<T: Sendable>(
    _ overrides: [String: String] = [:], users: [String: (String, [String])] = [:], keystore: String? = nil,
    userStore: (any UserStore)? = nil, _ body: @Sendable (TestIssuer) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { folder in
        var environment = [
            // The issuer logs in as its own ACL user, as in the dev cluster (infra/dev/test-env).
            "REDIS_URL": try TestEnvironment.issuerRedisURL(),
            "KAFKA_BROKERS": try TestEnvironment.value("TEST_KAFKA_BROKERS"),
            "KEYSTORE_DIR": keystore ?? folder + "/keys",
            "USER_DB": folder + "/users.sqlite",
            "BCRYPT_COST": "10",
            "KEYS_TOPIC": "test.auth.keys",
            "REVOCATIONS_TOPIC": "test.auth.revocations",
            "LOG_LEVEL": "warning",
            // Router tests share one client-address counter; only LoginTests uses the real limit.
            "LOGIN_RATE_LIMIT": "1000",
        ]
        environment.merge(overrides) { _, override in override }
        let settings = try IssuerSettings(environment: environment)
        let store = InMemoryUserStore()
        for (name, (password, roles)) in users {
            try await store.save(User(username: name, passwordHash: Bcrypt10.hash(password), roles: roles))
        }
        var logger = Logger(label: "issuer-test")
        logger.logLevel = .warning
        let holder = RecorderHolder()
        let (app, components) = try await IssuerApplication.build(
            settings: settings, users: userStore ?? store, registry: PrometheusCollectorRegistry(), logger: logger,
            wrapPublisher: { inner in holder.wrap(inner) })
        let recorder = try #require(holder.recorder)
        return try await app.test(.router) { client in
            try await body(TestIssuer(components: components, recorder: recorder, client: client))
        }
    }
}

/// Bcrypt at the lowest allowed cost, for test fixtures.
enum Bcrypt10 {
    static func hash(_ password: String) async throws -> String {
        try await PasswordHasher(cost: 10, dummyHash: "").hash(password)
    }
}
