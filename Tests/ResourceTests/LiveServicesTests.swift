import Foundation
import Kafka
import KeyDistribution
import Logging
import Revocation
import TestSupport
import Testing
import TokenKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `jwks` and `resource` executables, run as processes against the test broker and
/// Redis: settings from the environment, readiness, the JWKS with its ETag, and the API
/// following key and revocation events.
@Suite(.timeLimit(.minutes(3)))
struct LiveServicesTests {
    static let issuer = Fixture.issuer
    /// The pinned event key every consumer here is started with.
    static let eventKeys = JSONValue.object(Fixture.eventKey.publicKey.jwk).jsonText

    @Test func theExecutablesServeKeysAndFollowRevocations() async throws {
        let logger = Logger(label: "live")
        let suffix = UUID().uuidString.prefix(8)
        let keysTopic = "live.keys.\(suffix)", revocationsTopic = "live.revocations.\(suffix)"
        // The JWKS reads a topic of its own that also has a key the resource's topic lacks: a
        // token signed with it can only be accepted through the resource's JWKS fetch.
        let jwksKeysTopic = "live.jwks-keys.\(suffix)"
        let admin = KafkaAdmin(configuration: KafkaAdminConfiguration(bootstrapServers: try TestEnvironment.kafkaBrokers()), logger: logger)
        try await admin.createTopics([
            KafkaTopicSpec(name: keysTopic), KafkaTopicSpec(name: revocationsTopic), KafkaTopicSpec(name: jwksKeysTopic),
        ])
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: try TestEnvironment.kafkaBrokers()), logger: logger)
        let key = try SigningKey.generate(.es256)
        let now = Date().timeIntervalSince1970
        let announcement = KeyEvent(
            key: key.verificationKey, timeline: KeyTimeline(kid: key.kid, publishedAt: now, activatesAt: now), issuer: Self.issuer,
            announcedAt: now, validUntil: now + 3600)
        _ = try await producer.send(topic: keysTopic, key: Array(key.kid.utf8), value: announcement.signed)
        let lagging = try SigningKey.generate(.rs256)
        let laggingAnnouncement = KeyEvent(
            key: lagging.verificationKey, timeline: KeyTimeline(kid: lagging.kid, publishedAt: now, activatesAt: now + 60),
            issuer: Self.issuer, announcedAt: now, validUntil: now + 3600)
        for event in [announcement, laggingAnnouncement] {
            _ = try await producer.send(topic: jwksKeysTopic, key: Array(event.kid.utf8), value: event.signed)
        }

        let jwksPort = try freePort(), resourcePort = try freePort()
        let common = [
            "KAFKA_BROKERS": try TestEnvironment.kafkaBrokers().joined(separator: ","), "KEYS_TOPIC": keysTopic, "LOG_LEVEL": "warning",
            "EVENT_KEYS": Self.eventKeys, "ISSUER_URL": Self.issuer,
        ]
        let jwks = try launch(
            "jwks", environment: common.merging(["PORT": "\(jwksPort)", "JWKS_MAX_AGE": "20s", "KEYS_TOPIC": jwksKeysTopic]) { $1 })
        defer { if jwks.isRunning { jwks.terminate() } }
        let resource = try launch(
            "resource",
            environment: common.merging([
                "PORT": "\(resourcePort)", "REDIS_URL": try TestEnvironment.resourceRedisURL(), "REVOCATIONS_TOPIC": revocationsTopic,
                "ISSUER_URL": Self.issuer, "AUDIENCE": "api",
                "JWKS_URL": "http://127.0.0.1:\(jwksPort)/.well-known/jwks.json",
            ]) { $1 })
        defer { if resource.isRunning { resource.terminate() } }

        #expect(try await waitFor(.seconds(60)) { try await get(jwksPort, "/readyz").status == 200 })
        #expect(try await waitFor(.seconds(60)) { try await get(resourcePort, "/readyz").status == 200 })

        let document = try await get(jwksPort, "/.well-known/jwks.json")
        #expect(document.status == 200)
        #expect(document.headers["Cache-Control"] == "public, max-age=20")
        #expect(Set(try KeySet(jwks: document.body).keys.map(\.kid)) == [key.kid, lagging.kid])
        let etag = try #require(document.headers["Etag"] ?? document.headers["ETag"])
        #expect(try await get(jwksPort, "/.well-known/jwks.json", headers: ["If-None-Match": etag]).status == 304)

        let token = try AccessTokenSigner(key: key).sign(
            AccessTokenClaims(
                issuer: Self.issuer, subject: "alice", audience: ["api"], expiresAt: now + 600, notBefore: now - 1,
                issuedAt: now - 1, tokenID: "live-\(suffix)", sessionID: "session-\(suffix)", roles: ["user"]))
        let bearer = ["Authorization": "Bearer \(token)"]
        #expect(try await get(resourcePort, "/api/me", headers: bearer).status == 200)
        #expect(try await get(resourcePort, "/api/orders", headers: bearer).status == 200)
        #expect(try await get(resourcePort, "/api/admin/audit", headers: bearer).status == 403)
        #expect(try await get(resourcePort, "/api/ping").status == 200)

        // A key the resource's stream has not brought: one JWKS fetch, then accepted.
        let viaJWKS = try AccessTokenSigner(key: lagging).sign(
            AccessTokenClaims(
                issuer: Self.issuer, subject: "bob", audience: ["api"], expiresAt: now + 600, notBefore: now - 1, issuedAt: now - 1,
                tokenID: "jwks-\(suffix)", sessionID: "other-\(suffix)", roles: ["user"]))
        #expect(try await get(resourcePort, "/api/me", headers: ["Authorization": "Bearer \(viaJWKS)"]).status == 200)

        let revocation = RevocationEvent(
            target: .session(id: "session-\(suffix)"), expiresAt: now + 600, revokedAt: now, issuer: Fixture.issuer)
        _ = try await producer.send(
            topic: revocationsTopic, key: Array("session-\(suffix)".utf8), value: revocation.signed)
        #expect(try await waitFor(.seconds(5)) { try await get(resourcePort, "/api/me", headers: bearer).status == 401 })
        let metrics = try await get(resourcePort, "/metrics")
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("revocation_event_lag_seconds"))

        // The topics have unique names and are left in place: deleting a topic under the
        // services' live consumers crashes librdkafka 2.8.0 (docs/KAFKA.md).
        await producer.shutdown()
        for process in [resource, jwks] {
            process.terminate()
            try await offThePool { process.waitUntilExit() }
            #expect(process.terminationReason == .exit, "\(process.executableURL?.lastPathComponent ?? "?") did not shut down cleanly")
        }
    }

    /// `TOKEN_CACHE_SIZE` is a count (0 turns the cache off); anything else stops the service at
    /// start with the usage exit status, before it listens.
    @Test func aTokenCacheSizeThatIsNotACountStopsTheStart() async throws {
        for value in ["-1", "many", "99999999999"] {
            let resource = try launch(
                "resource", environment: ["TOKEN_CACHE_SIZE": value, "PORT": "\(try freePort())", "EVENT_KEYS": Self.eventKeys])
            try await offThePool { resource.waitUntilExit() }
            #expect(resource.terminationStatus == 2, "TOKEN_CACHE_SIZE=\(value)")
        }
    }

    /// A consumer that pins no event key, or pins something that is not a public Ed25519 key,
    /// does not start: there is no "accept everything" default.
    @Test func aConsumerWithoutAPinnedEventKeyDoesNotStart() async throws {
        let privateKey = JSONValue.object(Fixture.eventKey.privateJWK).jsonText
        let tokenKey = JSONValue.object(try SigningKey.generate(.es256).verificationKey.jwk).jsonText
        for (name, eventKeys) in [
            ("resource", nil), ("jwks", nil), ("resource", privateKey), ("jwks", tokenKey), ("resource", "/nonexistent"),
        ] {
            var environment = ["PORT": "\(try freePort())", "EVENT_KEYS": ""]
            if let eventKeys { environment["EVENT_KEYS"] = eventKeys }
            let process = try launch(name, environment: environment)
            try await offThePool { process.waitUntilExit() }
            #expect(process.terminationStatus == 2, "\(name) with EVENT_KEYS=\(eventKeys ?? "unset")")
        }
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    func get(_ port: Int, _ path: String, headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 2)
        request.cachePolicy = .reloadIgnoringLocalCacheData
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)"] = "\(value)" }
        return Answer(status: http?.statusCode ?? 0, headers: fields, body: Array(data))
    }

    /// Starts a built executable of this package (it sits beside the test bundle). Its output
    /// goes to a log file, never to the test's own pipes: a child that outlived a crashed test
    /// would otherwise keep `swift test` waiting for the pipe to close.
    func launch(_ name: String, environment: [String: String]) throws -> Process {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let logs = TestEnvironment.runDirectory
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let logPath = "\(logs)/\(name)-\(getpid())-\(UUID().uuidString.prefix(6)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = directory.appendingPathComponent(name)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    func waitFor(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
