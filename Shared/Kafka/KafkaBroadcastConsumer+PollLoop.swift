import Foundation
import Logging

/// The poll thread. `Cursor` is owned by this thread alone; `state` is shared under its lock.
extension KafkaBroadcastConsumer {
    struct Seen {
        let offset: Int
        let fingerprint: UInt64
    }

    struct Cursor {
        var client: RDKafkaClient?
        var partitions: Range<Int> = 0..<0
        /// The offset to deliver next, per partition.
        var next: [Int: Int] = [:]
        /// The last message delivered (or skipped as before the start), per partition.
        var lastSeen: [Int: Seen] = [:]
        /// Partitions started at `.end` whose end is not yet known.
        var unresolvedEnd: Set<Int> = []
        /// After a reconnect: the message each partition must still hold at that offset, or the
        /// log is not the one read before.
        var verify: [Int: Seen] = [:]
        /// Where each partition started, published once through `positions()`.
        var startOffsets: [Int: Int] = [:]
        var positionsPublished = false
        var connectedBefore = false
        var lastWatermarkRefresh = ContinuousClock.now
    }

    func pollLoop() {
        var cursor = Cursor()
        var announcedWait = false
        while !isStopping {
            guard let client = cursor.client else {
                if connect(&cursor) {
                    announcedWait = false
                } else {
                    if !announcedWait {
                        logger.warning("Kafka consumer waits for the broker and the topic", metadata: ["topic": "\(topic)"])
                        announcedWait = true
                    }
                    Thread.sleep(forTimeInterval: configuration.reconnectInterval.seconds)
                }
                continue
            }
            if buffered.value.load(ordering: .relaxed) >= configuration.maxBufferedEvents {
                Thread.sleep(forTimeInterval: 0.002)
                continue
            }
            if let consumed = client.consumerPoll(timeoutMilliseconds: 50) {
                handle(consumed, &cursor, client)
            }
            refreshWatermarks(&cursor, client)
            if state.withLock({ $0.brokerLost }) {
                logger.warning("Kafka consumer lost its broker; the client will be recreated", metadata: ["topic": "\(topic)"])
                cursor.client = nil  // destroyed here, before anything else can reach the broker
                cursor.verify = [:]
                yield(.brokerLost)
            }
        }
        cursor.client = nil
        finish()
    }

    private var isStopping: Bool {
        state.withLock { if case .running = $0.lifecycle { false } else { true } }
    }

    private func yield(_ event: KafkaConsumerEvent) {
        buffered.value.add(1, ordering: .relaxed)
        continuation.yield(event)
    }

    /// Creates a client once a fresh probe sees the broker and the topic, and assigns every
    /// partition. Returns false when they are not there yet.
    private func connect(_ cursor: inout Cursor) -> Bool {
        var quiet = logger
        quiet.logLevel = .critical  // a probe that cannot connect is expected here
        guard
            let topics = try? RDKafkaMetadata.topics(
                properties: configuration.connection.properties, timeoutMilliseconds: 500, logger: quiet),
            let count = topics[topic], count > 0
        else { return false }
        let client: RDKafkaClient
        do {
            let callbacks = RDKafkaCallbacks(logger: logger) { [weak self] status, reason in
                self?.clientError(status, reason)
            }
            client = try RDKafkaClient(kind: .consumer, properties: configuration.properties, callbacks: callbacks)
        } catch {
            logger.error("Kafka consumer could not create its client", metadata: ["error": "\(error)"])
            return false
        }
        // Learn the partitions' leaders before assigning: an assignment without them waits 500 ms
        // for librdkafka's retry before it looks up its start offsets (the resource's start-up).
        guard (try? client.topics(timeoutMilliseconds: 500))?[topic] == count else { return false }
        let reconnecting = cursor.connectedBefore
        var lost: [KafkaConsumerEvent] = []
        let offsets = assignment(&cursor, partitionCount: count, lost: &lost)
        let status = client.assign(topic: topic, offsets: offsets)
        guard status.kind == .ok else {
            logger.error("Kafka consumer could not assign partitions", metadata: ["error": "\(status)"])
            return false
        }
        cursor.client = client
        cursor.partitions = 0..<count
        cursor.connectedBefore = true
        state.withLock {
            $0.brokerLost = false
            $0.clientsCreated += 1
        }
        if reconnecting { yield(.reconnected) }
        lost.forEach(yield)
        publishPositionsIfKnown(&cursor)
        return true
    }

    /// The offset to assign each partition at, from the start position the first time and from
    /// the cursor after a reconnect.
    private func assignment(
        _ cursor: inout Cursor, partitionCount count: Int, lost: inout [KafkaConsumerEvent]
    )
        -> [Int: Int]
    {
        var offsets: [Int: Int] = [:]
        guard cursor.connectedBefore else {
            for partition in 0..<count {
                switch start {
                case .beginning:
                    offsets[partition] = RDKafkaOffset.beginning
                    cursor.next[partition] = 0
                    cursor.startOffsets[partition] = 0
                case .end:
                    offsets[partition] = RDKafkaOffset.end
                    cursor.unresolvedEnd.insert(partition)
                case .offsets(let given):
                    offsets[partition] = given[partition] ?? RDKafkaOffset.beginning
                    cursor.next[partition] = given[partition] ?? 0
                    cursor.startOffsets[partition] = given[partition] ?? 0
                }
            }
            return offsets
        }
        for partition in cursor.next.keys where partition >= count {
            lost.append(.offsetsLost(partition: partition, expected: cursor.next[partition] ?? 0, actual: nil))
            cursor.next[partition] = nil
            cursor.lastSeen[partition] = nil
        }
        for partition in 0..<count {
            let next = cursor.next[partition] ?? 0
            if cursor.unresolvedEnd.contains(partition) {
                offsets[partition] = RDKafkaOffset.end
            } else if next == 0 {
                offsets[partition] = RDKafkaOffset.beginning
                cursor.next[partition] = 0
            } else if let seen = cursor.lastSeen[partition], seen.offset == next - 1 {
                // Re-read the last message: if it is still the same, the log is the same one.
                offsets[partition] = seen.offset
                cursor.verify[partition] = seen
            } else {
                // Nothing to compare with: assume the worst, the caller resynchronises.
                lost.append(.offsetsLost(partition: partition, expected: next, actual: nil))
                offsets[partition] = RDKafkaOffset.beginning
                cursor.next[partition] = 0
            }
        }
        return offsets
    }

    private func handle(_ consumed: RDKafkaConsumed, _ cursor: inout Cursor, _ client: RDKafkaClient) {
        switch consumed {
        case .message(let message):
            let partition = message.partition
            let seen = Seen(offset: message.offset, fingerprint: fingerprint(message))
            if cursor.unresolvedEnd.contains(partition) { resolveEnd(partition, &cursor, client, fallback: message.offset) }
            if let expected = cursor.verify.removeValue(forKey: partition) {
                if seen.offset == expected.offset && seen.fingerprint == expected.fingerprint { return }
                offsetsLost(partition, expected: expected.offset + 1, &cursor, client)
                return
            }
            guard message.offset >= cursor.next[partition, default: 0] else {
                cursor.lastSeen[partition] = seen
                return
            }
            cursor.next[partition] = message.offset + 1
            cursor.lastSeen[partition] = seen
            yield(.message(message))
        case .error(let partition, let offset, let status, let reason):
            if status.kind == .offsetOutOfRange, let partition {
                offsetsLost(partition, expected: cursor.next[partition] ?? offset ?? 0, &cursor, client)
            } else if status.kind == .unknownTopic || status.meansBrokerLost {
                logger.warning("Kafka consumer lost the topic", metadata: ["topic": "\(topic)", "error": "\(status)"])
                state.withLock { $0.brokerLost = true }
            } else {
                logger.warning("Kafka consumer error", metadata: ["error": "\(status)", "reason": "\(reason)"])
            }
        }
    }

    private func offsetsLost(_ partition: Int, expected: Int, _ cursor: inout Cursor, _ client: RDKafkaClient) {
        let actual = client.cachedWatermarks(topic: topic, partition: partition)?.high
        logger.warning(
            "Kafka consumer's offsets are gone; reading the partition from its beginning",
            metadata: ["topic": "\(topic)", "partition": "\(partition)", "expected": "\(expected)"])
        yield(.offsetsLost(partition: partition, expected: expected, actual: actual))
        cursor.next[partition] = 0
        cursor.lastSeen[partition] = nil
        cursor.verify[partition] = nil
        cursor.unresolvedEnd.remove(partition)
        let status = client.seek(topic: topic, offsets: [partition: RDKafkaOffset.beginning], timeoutMilliseconds: 2000)
        if status.kind != .ok {
            logger.error("Kafka consumer could not seek; recreating the client", metadata: ["error": "\(status)"])
            state.withLock { $0.brokerLost = true }
        }
    }

    private func resolveEnd(_ partition: Int, _ cursor: inout Cursor, _ client: RDKafkaClient, fallback: Int? = nil) {
        guard let end = client.cachedWatermarks(topic: topic, partition: partition)?.high ?? fallback else { return }
        cursor.next[partition] = end
        cursor.unresolvedEnd.remove(partition)
        if cursor.startOffsets[partition] == nil { cursor.startOffsets[partition] = end }
        publishPositionsIfKnown(&cursor)
    }

    private func publishPositionsIfKnown(_ cursor: inout Cursor) {
        guard !cursor.positionsPublished, cursor.unresolvedEnd.isEmpty, !cursor.startOffsets.isEmpty else { return }
        cursor.positionsPublished = true
        let positions = cursor.startOffsets
        let waiters = state.withLock { state in
            state.positions = positions
            defer { state.positionWaiters = [] }
            return state.positionWaiters
        }
        waiters.forEach { $0.resume(returning: positions) }
    }

    private func refreshWatermarks(_ cursor: inout Cursor, _ client: RDKafkaClient) {
        let now = ContinuousClock.now
        guard
            !cursor.unresolvedEnd.isEmpty || !cursor.verify.isEmpty
                || now - cursor.lastWatermarkRefresh >= .milliseconds(5)
        else { return }
        cursor.lastWatermarkRefresh = now
        var marks: [Int: Int] = [:]
        for partition in cursor.partitions {
            if cursor.unresolvedEnd.contains(partition) { resolveEnd(partition, &cursor, client) }
            guard let high = client.cachedWatermarks(topic: topic, partition: partition)?.high else { continue }
            marks[partition] = high
            // The log ends before the message we had read: it is not the same log.
            if let expected = cursor.verify[partition], high <= expected.offset {
                offsetsLost(partition, expected: expected.offset + 1, &cursor, client)
            }
        }
        state.withLock { $0.highWaterMarks.merge(marks) { _, new in new } }
    }

    /// Called by librdkafka (on this thread, inside `consumerPoll`).
    func clientError(_ status: RDKafkaStatus, _ reason: String) {
        logger.warning("Kafka consumer error", metadata: ["error": "\(status)", "reason": "\(reason)"])
        if status.meansBrokerLost { state.withLock { $0.brokerLost = true } }
    }

    private func finish() {
        let (waiters, positionWaiters) = state.withLock { state in
            var waiters: [CheckedContinuation<Void, Never>] = []
            if case .stopping(let list) = state.lifecycle { waiters = list }
            state.lifecycle = .stopped
            defer { state.positionWaiters = [] }
            return (waiters, state.positionWaiters)
        }
        continuation.finish()
        positionWaiters.forEach { $0.resume(throwing: KafkaError(.shutDown, "the consumer shut down")) }
        waiters.forEach { $0.resume() }
    }
}
