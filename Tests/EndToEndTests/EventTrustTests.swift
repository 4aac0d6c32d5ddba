import AuthEvents
import Foundation
import Kafka
import KeyDistribution
import Logging
import TestSupport
import Testing
import TokenKit

extension EndToEnd {
    /// The bus is a delivery channel, never a source of trust (docs/EVENTS.md): whoever can write
    /// to the broker cannot make a verifier accept a key, nor bring back a revoked one.
    @Suite(.serialized) struct EventTrustTests {
        static var brokers: [String] { ["127.0.0.1:" + Cluster.environment("BROKER_PORT")] }

        static func producer() throws -> KafkaProducer {
            var logger = Logger(label: "e2e-attacker")
            logger.logLevel = .error
            return try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: logger)
        }

        /// An admin token signed with `key`, as the issuer would sign one.
        static func adminToken(signedWith key: SigningKey) throws -> String {
            let now = Date().timeIntervalSince1970
            return try AccessTokenSigner(key: key).sign(
                AccessTokenClaims(
                    issuer: Cluster.issuer, subject: "mallory", audience: ["api"], expiresAt: now + 600, notBefore: now - 1,
                    issuedAt: now - 1, tokenID: UUID().uuidString, sessionID: UUID().uuidString, roles: ["user", "admin"]))
        }

        /// The `kid` in a token's header.
        static func kid(of token: String) throws -> String {
            let header = try #require(token.split(separator: ".").first.flatMap { Base64URL.decode($0) })
            return try #require(try JSONValue.parseObject(header)["kid"]?.stringValue)
        }

        static func jwksKids() async throws -> [String] {
            let body = try await HTTP.get(Cluster.jwks).body
            return try JSONValue.parseObject(Array(body))["keys"]?.arrayValue?.compactMap { $0.objectValue?["kid"]?.stringValue } ?? []
        }

        /// Every resource answers `status` to `token`, and the JWKS does not list `kid`.
        static func expectRefusedEverywhere(_ token: String, kid: String, _ what: String) async throws {
            for resource in Cluster.resources {
                #expect(try await HTTP.get(resource + "/api/admin/audit", bearer: token).status == 401, "\(what): \(resource)")
            }
            #expect(try await !jwksKids().contains(kid), "\(what): the JWKS lists the key")
        }

        @Test func forgedKeyEventsChangeNothing() async throws {
            let attacker = try SigningKey.generate(.es256)
            let now = Date().timeIntervalSince1970
            let announcement = KeyEvent(
                key: attacker.verificationKey, timeline: KeyTimeline(kid: attacker.kid, publishedAt: now - 5, activatesAt: now - 5),
                issuer: Cluster.issuer, announcedAt: now, validUntil: now + 3600)
            let token = try Self.adminToken(signedWith: attacker)
            let producer = try Self.producer()
            defer { Task { await producer.shutdown() } }
            for (what, value) in [
                ("unsigned", announcement.encoded), ("signed by another key", SignedEvent.sign(announcement.encoded, with: .generate())),
            ] {
                _ = try await producer.send(topic: "auth.keys", key: Array(attacker.kid.utf8), value: value)
                // Longer than any propagation: a logout is enforced everywhere within 100 ms.
                try await Task.sleep(for: .seconds(1))
                try await Self.expectRefusedEverywhere(token, kid: attacker.kid, what)
            }
            await producer.shutdown()
        }

        /// The current key is revoked, its genuine earlier announcement is replayed: it stays
        /// refused. Over 20 revocations, tokens of the revoked key are refused everywhere within
        /// 100 ms, tokens of a retired key stay accepted meanwhile, and the new key's are accepted.
        @Test func emergencyRevocationIsEnforcedAtOnceAndSurvivesReplays() async throws {
            // A retired key whose tokens must keep working throughout.
            let before = try await Client.alice()
            let admin = try await Client.admin()
            #expect(
                try await HTTP.send(
                    "POST", Cluster.issuer + "/admin/keys/rotate", headers: ["Authorization": "Bearer \(admin.accessToken)"]
                ).status == 200)
            try await Task.sleep(for: .seconds(3))  // KEY_PUBLISH_LEAD (2 s) in the e2e cluster
            let retiredToken = before.accessToken

            var delays: [Duration] = []
            var captured: (kid: String, message: KafkaMessage)?
            for trial in 0..<20 {
                let admin = try await Client.admin(), alice = try await Client.alice()
                let kid = try Self.kid(of: alice.accessToken)
                #expect(try Self.kid(of: retiredToken) != kid)
                if trial == 0 { captured = (kid, try await Self.latestAnnouncement(of: kid)) }
                for resource in Cluster.resources {
                    #expect(try await HTTP.get(resource + "/api/me", bearer: alice.accessToken).status == 200)
                }
                let answer = try await HTTP.send(
                    "POST", Cluster.issuer + "/admin/keys/\(kid)/revoke", headers: ["Authorization": "Bearer \(admin.accessToken)"])
                #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
                // From the answer, as for a logout: both answer once the broker has the event.
                delays.append(try await Client.waitUntilRefusedEverywhere(alice.accessToken))
                for resource in Cluster.resources {
                    #expect(try await HTTP.get(resource + "/api/me", bearer: retiredToken).status == 200, "a retired key's token")
                }
            }
            let sorted = delays.sorted()
            let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
            print("emergency key revocation enforced everywhere: p50 \(sorted[sorted.count / 2]), p99 \(p99), max \(sorted.last!)")
            #expect(p99 < .milliseconds(100))

            // The new key's tokens are accepted.
            let fresh = try await Client.alice()
            try await waitUntil("the successor key's tokens to be accepted", timeout: .seconds(5)) {
                try await HTTP.get(Cluster.resources[0] + "/api/me", bearer: fresh.accessToken).status == 200
            }

            // The first revoked key's genuine, signed, still valid announcement, replayed.
            let (kid, message) = try #require(captured)
            let producer = try Self.producer()
            _ = try await producer.send(topic: "auth.keys", key: message.key, value: message.value)
            await producer.shutdown()
            try await Task.sleep(for: .seconds(1))
            #expect(try await !Self.jwksKids().contains(kid), "a replayed announcement brought a revoked key back")
        }

        /// The newest message of the key topic keyed by `kid`: a genuine, signed announcement.
        static func latestAnnouncement(of kid: String) async throws -> KafkaMessage {
            var logger = Logger(label: "e2e-replay")
            logger.logLevel = .error
            let consumer = try KafkaBroadcastConsumer(
                topic: "auth.keys", start: .beginning, configuration: KafkaConsumerConfiguration(bootstrapServers: brokers), logger: logger)
            defer { Task { await consumer.shutdown() } }
            _ = try await consumer.positions()
            var found: KafkaMessage?
            var iterator = consumer.events.makeAsyncIterator()
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let total = consumer.highWaterMarks.values.reduce(0, +)
                guard let event = await iterator.next() else { break }
                if case .message(let message) = event {
                    if message.key == Array(kid.utf8) { found = message }
                    if total > 0, message.offset + 1 >= total, found != nil { break }
                }
            }
            await consumer.shutdown()
            return try #require(found, "no announcement of \(kid) on auth.keys")
        }
    }
}
