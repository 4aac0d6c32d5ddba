import AuthEvents
import Foundation
import Kafka
import Logging
import Metrics
import ServiceKit
import ServiceLifecycle

/// Keeps a ``RevocationSet`` up to date: the Redis snapshot at start and after every loss of
/// the stream, and every revocation event in between.
///
/// Start-up order (ARCHITECTURE.md "Revocation"): (1) open the topic at its end and wait for
/// the end offsets of the first fetch, (2) load Redis into the set, (3) apply the events from
/// those offsets on. The issuer writes Redis before it publishes, so nothing falls between (2)
/// and (3); events read while (2) runs are applied at once, which is safe because applying
/// revocations is idempotent and order-independent. Readiness condition `revocations` holds
/// only after (2).
///
/// When the stream is lost (offsets gone after a broker restart, or a reconnect after a broker
/// loss) the stream is dropped, a new one opened and Redis loaded again: the old set stays in
/// force meanwhile (fail-static), `revocations` is unmet until the reload is done. A broker
/// that is merely away changes nothing: the set keeps answering.
public final class RevocationFeed: Service, Sendable {
    /// Settings of a feed.
    public struct Configuration: Sendable {
        /// The revocation topic. Default: `auth.revocations`.
        public var topic: String
        /// How often expired entries are dropped. Default: 30 s.
        public var sweepInterval: Duration
        /// The wait before retrying a failed Redis load or stream open. Default: 1 s.
        public var retryDelay: Duration

        /// Creates settings with the defaults above.
        public init(topic: String = "auth.revocations", sweepInterval: Duration = .seconds(30), retryDelay: Duration = .seconds(1)) {
            self.topic = topic
            self.sweepInterval = sweepInterval
            self.retryDelay = retryDelay
        }
    }

    /// The readiness condition this feed owns.
    public static let readinessCondition = "revocations"

    let set: RevocationSet
    let policy: RevocationPolicy
    let keys: PinnedEventKeys
    let source: any BroadcastSource
    let snapshot: any RevocationSnapshot
    let readiness: Readiness
    let configuration: Configuration
    let logger: Logger
    let lag = Metrics.Timer(label: "revocation_event_lag_seconds", preferredDisplayUnit: .seconds)
    let size = Gauge(label: "revocation_denylist_entries")

    /// Creates the feed; nothing happens until ``run()``.
    /// - Parameters:
    ///   - policy: what is accepted of a revocation (issuer, times), from the topic and Redis.
    ///   - keys: the pinned event keys: a message on the topic is applied only when one of
    ///     them signed it.
    public init(
        set: RevocationSet, policy: RevocationPolicy, keys: PinnedEventKeys, source: any BroadcastSource,
        snapshot: any RevocationSnapshot, readiness: Readiness, configuration: Configuration = .init(), logger: Logger
    ) {
        self.set = set
        self.policy = policy
        self.keys = keys
        self.source = source
        self.snapshot = snapshot
        self.readiness = readiness
        self.configuration = configuration
        self.logger = logger
        readiness.require(Self.readinessCondition, reason: "the revocation set is not loaded yet")
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.sweepForever() }
                group.addTask { await self.followForever() }
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    private func sweepForever() async {
        await repeatUntilShutdown(every: configuration.sweepInterval) {
            let dropped = set.sweep(now: Date().timeIntervalSince1970)
            size.record(set.count)
            if dropped > 0 { logger.debug("expired revocations dropped", metadata: ["count": "\(dropped)"]) }
        }
    }

    /// One stream after another: each lives until it is lost, then the next one resynchronises.
    private func followForever() async {
        var generation = 0
        while !Task.isCancelled {
            let stream: any BroadcastStream
            do {
                stream = try await source.open(topic: configuration.topic, from: .end)
            } catch {
                logger.error("cannot open the revocation stream", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retryDelay)
                continue
            }
            if generation > 0 {
                readiness.fail(Self.readinessCondition, reason: "resynchronising the revocation set from Redis after losing the stream")
            }
            generation += 1
            await follow(stream)
            await stream.shutdown()
        }
    }

    private enum Outcome { case loaded, streamEnded }

    /// Steps (1) to (3) on one stream; returns when the stream is lost, ends or is cancelled.
    private func follow(_ stream: any BroadcastStream) async {
        await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                if let offsets = try? await stream.positions() {
                    self.logger.info("revocation stream positioned", metadata: ["offsets": "\(offsets.sorted { $0.key < $1.key })"])
                    // The new stream starts at the end: what lies between the old position and it is
                    // missing until Redis is read, so fail closed meanwhile. Not earlier: while the
                    // broker is away nothing is delivered to anyone, and the old set stays in force
                    // (fail-static, docs/RESOURCE.md).
                    self.set.markComplete(false)
                    await self.loadSnapshot()
                }
                return .loaded
            }
            group.addTask {
                await self.consume(stream)
                // Closing ends a wait for positions() in the other task.
                await stream.shutdown()
                return .streamEnded
            }
            while let outcome = await group.next(), outcome == .loaded {}
            group.cancelAll()
        }
    }

    /// Step (2): the Redis snapshot, retried until it loads (or the task is cancelled).
    private func loadSnapshot() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var loaded = 0, skipped = 0
            do {
                try await snapshot.forEachPage { values in
                    let now = Date().timeIntervalSince1970
                    for value in values {
                        do {
                            _ = try apply(payload: value, now: now)
                            loaded += 1
                        } catch {
                            skipped += 1
                            logger.warning("skipped a Redis revocation entry", metadata: ["reason": "\(error)"])
                        }
                    }
                }
            } catch {
                logger.warning("cannot load revocations from Redis; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retryDelay)
                continue
            }
            guard !Task.isCancelled else { return }
            size.record(set.count)
            set.markComplete(true)
            readiness.satisfy(Self.readinessCondition)
            logger.info(
                "revocation set loaded from Redis",
                metadata: [
                    "loaded": "\(loaded)", "skipped": "\(skipped)", "entries": "\(set.count)",
                    "ms": "\((ContinuousClock.now - started).seconds * 1000)",
                ])
            return
        }
    }

    /// Step (3): applies events until the stream must be replaced.
    private func consume(_ stream: any BroadcastStream) async {
        for await event in stream.events {
            switch event {
            case .message(let message):
                apply(message.value, partition: message.partition, offset: message.offset)
            case .brokerLost:
                // Fail-static: the set keeps answering; the stream reconnects by itself.
                logger.warning("revocation stream lost its broker; serving with the set as it is")
                Counter(label: "revocation_stream_losses_total", dimensions: [("kind", "broker")]).increment()
            case .reconnected:
                logger.info("revocation stream reconnected; resynchronising from Redis with a new stream")
                return
            case .offsetsLost(let partition, let expected, let actual):
                logger.warning(
                    "revocation stream lost its offsets; resynchronising from Redis",
                    metadata: ["partition": "\(partition)", "expected": "\(expected)", "actual": "\(actual.map(String.init) ?? "?")"])
                Counter(label: "revocation_stream_losses_total", dimensions: [("kind", "offsets")]).increment()
                return
            }
        }
    }

    /// One message of the topic: opened with a pinned key, then applied. A refused one changes
    /// nothing and is logged and counted by reason (`events_refused_total`).
    private func apply(_ message: [UInt8], partition: Int, offset: Int) {
        do {
            let now = Date().timeIntervalSince1970
            let revokedAt = try apply(payload: SignedEvent.open(message, keys: keys), now: now)
            size.record(set.count)
            lag.record(seconds: max(0, now - revokedAt))
            Counter(label: "revocation_events_total", dimensions: [("outcome", "applied")]).increment()
        } catch {
            Counter(label: "revocation_events_total", dimensions: [("outcome", "refused")]).increment()
            EventRefusal.record(error, topic: configuration.topic, partition: partition, offset: offset, logger: logger)
        }
    }

    /// Applies a revocation's JSON as the policy admits it. The issuer's own form is read by a
    /// fast path; anything else by the full decoder.
    /// - Returns: its `revokedAt`.
    /// - Throws: ``EventError`` when it is refused.
    private func apply(payload: [UInt8], now: Double) throws -> Double {
        if let revocation = CanonicalRevocation(payload, issuer: policy.issuerBytes) {
            let admitted = try policy.admit(revocation, now: now)
            set.apply(admitted)
            return admitted.revokedAt
        }
        let event = try policy.admit(RevocationEvent(decoding: payload), now: now)
        set.apply(event)
        return event.revokedAt
    }
}

extension Metrics.Timer {
    /// Records a duration given in seconds.
    func record(seconds: Double) {
        recordNanoseconds(Int64(seconds * 1e9))
    }
}
