import AuthEvents
import Foundation
import Kafka
import Logging
import Metrics
import ServiceKit
import ServiceLifecycle
import Synchronization

/// Reads the key topic from its beginning into a ``KeyCatalog`` and rebuilds the catalog's
/// directory on every event and every second (so keys are dropped at their `removedAt` even
/// when no event comes).
///
/// Readiness condition `keys` holds once the feed has read every partition up to the
/// high-water mark it saw when it started and knows at least one key; after that it stays
/// satisfied (fail-static: a lost broker does not take keys away). When the stream is lost or
/// reconnects, a new stream reads the topic again from its beginning; re-reading is harmless.
public final class KeyFeed: Service, Sendable {
    /// Settings of a feed.
    public struct Configuration: Sendable {
        /// The key topic. Default: `auth.keys`.
        public var topic: String
        /// How often the directory is rebuilt without events. Default: 1 s.
        public var rebuildInterval: Duration
        /// The wait before retrying to open the stream. Default: 1 s.
        public var retryDelay: Duration

        /// Creates settings with the defaults above.
        public init(topic: String = "auth.keys", rebuildInterval: Duration = .seconds(1), retryDelay: Duration = .seconds(1)) {
            self.topic = topic
            self.rebuildInterval = rebuildInterval
            self.retryDelay = retryDelay
        }
    }

    /// The readiness condition this feed owns.
    public static let readinessCondition = "keys"

    struct Progress: Sendable {
        var stream: (any BroadcastStream)?
        /// Partition → offset of the next message to read.
        var next: [Int: Int] = [:]
        /// Partition → high-water mark seen at start; nil until every partition has one.
        var targets: [Int: Int]?
        var ready = false
    }

    let catalog: KeyCatalog
    let keys: PinnedEventKeys
    let source: any BroadcastSource
    let readiness: Readiness
    let configuration: Configuration
    let logger: Logger
    let progress = Mutex(Progress())

    /// Creates the feed; nothing happens until ``run()``.
    /// - Parameter keys: the pinned event keys: a message is applied only when one of them
    ///   signed it.
    public init(
        catalog: KeyCatalog, keys: PinnedEventKeys, source: any BroadcastSource, readiness: Readiness,
        configuration: Configuration = .init(), logger: Logger
    ) {
        self.catalog = catalog
        self.keys = keys
        self.source = source
        self.readiness = readiness
        self.configuration = configuration
        self.logger = logger
        readiness.require(Self.readinessCondition, reason: "the key topic has not been read to its end yet")
    }

    /// Whether the feed has caught up with the topic as it was at start and knows a key.
    public var isReady: Bool { progress.withLock { $0.ready } }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.tickForever() }
                group.addTask { await self.followForever() }
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    private func tickForever() async {
        // Quick checks until ready, so that start-up does not wait a whole interval.
        await repeatUntilShutdown(pause: { isReady ? configuration.rebuildInterval : .milliseconds(50) }) {
            catalog.rebuild(now: Date().timeIntervalSince1970)
            checkReadiness()
        }
    }

    private func followForever() async {
        while !Task.isCancelled {
            let stream: any BroadcastStream
            do {
                stream = try await source.open(topic: configuration.topic, from: .beginning)
            } catch {
                logger.error("cannot open the key stream", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retryDelay)
                continue
            }
            progress.withLock {
                $0.stream = stream
                $0.next = [:]
                // Before the first catch-up, the marks to reach are those of the newest stream.
                if !$0.ready { $0.targets = nil }
            }
            await consume(stream)
            progress.withLock { $0.stream = nil }
            await stream.shutdown()
        }
    }

    private func consume(_ stream: any BroadcastStream) async {
        for await event in stream.events {
            switch event {
            case .message(let message):
                apply(message.value, partition: message.partition, offset: message.offset)
                progress.withLock { $0.next[message.partition] = max($0.next[message.partition] ?? 0, message.offset + 1) }
                catalog.rebuild(now: Date().timeIntervalSince1970)
                checkReadiness()
            case .brokerLost:
                logger.warning("key stream lost its broker; serving the keys known")
            case .reconnected, .offsetsLost:
                logger.info("key stream lost; reading the key topic again with a new stream", metadata: ["event": "\(event)"])
                return
            }
        }
    }

    private func apply(_ value: [UInt8], partition: Int, offset: Int) {
        do {
            try catalog.apply(KeyEvent(decoding: SignedEvent.open(value, keys: keys)), now: Date().timeIntervalSince1970)
            Counter(label: "key_events_total", dimensions: [("outcome", "applied")]).increment()
        } catch {
            Counter(label: "key_events_total", dimensions: [("outcome", "refused")]).increment()
            EventRefusal.record(error, topic: configuration.topic, partition: partition, offset: offset, logger: logger)
        }
    }

    /// Notes the start-up high-water marks once known, and satisfies `keys` once caught up.
    func checkReadiness() {
        let now = Date().timeIntervalSince1970
        let becameReady: Bool = progress.withLock { progress in
            guard !progress.ready, let stream = progress.stream else { return false }
            if progress.targets == nil {
                let marks = stream.highWaterMarks
                guard !marks.isEmpty else { return false }
                progress.targets = marks
            }
            guard let targets = progress.targets,
                targets.allSatisfy({ partition, mark in (progress.next[partition] ?? 0) >= mark }),
                catalog.announcedCount(now: now) > 0
            else { return false }
            progress.ready = true
            return true
        }
        if becameReady {
            readiness.satisfy(Self.readinessCondition)
            logger.info("key topic read to its end", metadata: ["keys": "\(catalog.announcedCount(now: now))"])
        }
    }
}
