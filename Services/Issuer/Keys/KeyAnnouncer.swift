import Foundation
import KeyDistribution
import Logging
import ServiceKit
import ServiceLifecycle
import Synchronization

/// Announces every live key as a `key` event on the keys topic (message key = kid): at start,
/// on every change, and every `KEY_ANNOUNCE_INTERVAL`, so a broker that lost its log heals by
/// itself. Consumers apply announcements idempotently (docs/EVENTS.md).
final class KeyAnnouncer: Service {
    private let keys: SigningKeys
    private let publisher: any EventPublishing
    private let topic: String
    private let issuer: String
    private let interval: Duration
    private let validity: Duration
    private let logger: Logger
    /// Set by ``keysChanged()``; a flag checked on a short tick rather than an async stream,
    /// because a stream whose waiting iterator is cancelled ends for good.
    private let pending = Mutex(true)
    private static let tick = Duration.milliseconds(100)

    init(
        keys: SigningKeys, publisher: any EventPublishing, topic: String, issuer: String, interval: Duration, validity: Duration,
        logger: Logger
    ) {
        self.validity = validity
        self.keys = keys
        self.publisher = publisher
        self.topic = topic
        self.issuer = issuer
        self.interval = interval
        self.logger = logger
    }

    /// Asks for an announcement at the next tick (after a rotation or a removal).
    func keysChanged() { pending.withLock { $0 = true } }

    /// Announces the key set now and waits at most `wait` for the broker to store it.
    /// - Returns: whether every announcement was stored within `wait`.
    @discardableResult
    func announce(wait: Duration) async -> Bool {
        let events = keys.announcements(issuer: issuer, now: Date().timeIntervalSince1970, validity: validity)
        // All at once: one broker round trip (usually one batch), not one per key.
        return await withTaskGroup(of: Bool.self) { group in
            for event in events {
                group.addTask { await self.publisher.publish(topic: self.topic, key: event.kid, value: event.encoded, wait: wait) }
            }
            return await group.reduce(true) { $0 && $1 }
        }
    }

    func run() async throws {
        var last = ContinuousClock.now
        await repeatUntilShutdown(every: Self.tick) {
            let due = pending.withLock { flag in
                defer { flag = false }
                return flag
            }
            if due || ContinuousClock.now - last >= interval {
                last = .now
                // The wait is short: the publisher keeps what the broker has not taken yet.
                await announce(wait: .milliseconds(1))
            }
        }
    }
}
