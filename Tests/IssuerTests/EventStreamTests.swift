import AuthEvents
import Foundation
import Kafka
import KeyDistribution
import Logging
import Revocation
import TestSupport
import Testing

@testable import Issuer

extension IssuerServiceTests {
    /// Reads the topics back with the project's broadcast consumer, as a resource instance would.
    @Suite("Events on the broker", .timeLimit(.minutes(2)))
    struct EventStreamTests {
        @Test("Logout-all's subject revocation and the key announcements are on their topics")
        func eventsOnTopics() async throws {
            let name = uniqueName("pia")
            let topics = ["KEYS_TOPIC": uniqueName("keys"), "REVOCATIONS_TOPIC": uniqueName("revocations")]
            let (kid, keys) = try await withIssuer(topics, users: [name: ("pia-password", ["user"])]) { issuer in
                let tokens = try await issuer.loggedIn(name, "pia-password")
                let response = try await issuer.post("/auth/logout-all", headers: [.authorization: "Bearer \(tokens.accessToken)"])
                #expect(response.status == .noContent)
                return (try #require(issuer.components.keys.ring.timelines.first?.kid), try issuer.eventKeys)
            }
            let revocation = try #require(try await Self.firstMessage(topic: topics["REVOCATIONS_TOPIC"]!) { $0.key == Array(name.utf8) })
            let event = try RevocationEvent(decoding: SignedEvent.open(revocation.value, keys: keys))
            guard case .subject(let subject, _) = event.target else {
                Issue.record("not a subject revocation")
                return
            }
            #expect(subject == name)
            let key = try #require(try await Self.firstMessage(topic: topics["KEYS_TOPIC"]!) { $0.key == Array(kid.utf8) })
            let announcement = try KeyEvent(decoding: SignedEvent.open(key.value, keys: keys))
            #expect(announcement.kid == kid)
        }

        /// The first message of `topic` (from its beginning) that matches, within 20 seconds.
        static func firstMessage(
            topic: String, brokers: String? = nil, matching: @escaping @Sendable (KafkaMessage) -> Bool
        ) async throws -> KafkaMessage? {
            let consumer = try KafkaBroadcastConsumer(
                topic: topic, start: .beginning,
                configuration: KafkaConsumerConfiguration(
                    bootstrapServers: try brokers.map { [$0] } ?? TestEnvironment.kafkaBrokers(), clientID: "issuer-tests"),
                logger: Logger(label: "issuer-tests"))
            let found = await withTaskGroup(of: KafkaMessage?.self) { group in
                group.addTask {
                    for await event in consumer.events {
                        if case .message(let message) = event, matching(message) { return message }
                    }
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(20))
                    return nil
                }
                let first = await group.next() ?? nil
                await consumer.shutdown()
                group.cancelAll()
                return first
            }
            return found
        }
    }
}
