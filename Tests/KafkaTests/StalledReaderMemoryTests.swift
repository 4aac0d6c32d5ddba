import Foundation
import TestSupport
import Testing

/// A reader that stops reading holds a bounded amount of memory however much the topic holds:
/// the feeds iterate the consumer's own event sequence, which stops fetching at
/// `maxBufferedEvents` (10,000), and librdkafka prefetches at most 1 MB a partition.
///
/// Measured in a process of its own (`kafka-probe --stalled-reader`), so that no other test's
/// memory counts: `revocation-seed` first writes 1,000,000 revocation events to a private broker,
/// then the probe opens the topic from its beginning as a feed does, never reads, and samples
/// its resident memory for 10 s. When the feed copied the events into a second, unbounded
/// stream, all of them were in memory (about 300 MB).
@Suite(.timeLimit(.minutes(5))) struct StalledReaderMemoryTests {
    static let events = 1_000_000
    static let boundKiB = 32 * 1024

    @Test func aStalledReaderStaysBoundedWhileAMillionEventsWait() async throws {
        let broker = try await PrivateBroker.start()
        defer { Task { try? await broker.stop() } }
        let tools = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let topic = "stalled-\(UInt32.random(in: 0...UInt32.max))"
        let brokers = broker.servers.joined(separator: ",")
        let seeded = try await spawnAndWait([
            "\(tools)/revocation-seed", "--brokers", brokers, "--to", "kafka", "--topic", topic, "--count", "\(Self.events)",
        ])
        #expect(seeded == 0)
        let report = "\(TestEnvironment.runDirectory)/\(topic).json"
        let probed = try await spawnAndWait([
            "\(tools)/kafka-probe", "--brokers", brokers, "--stalled-reader", topic, "--stall-seconds", "10", "--report", report,
        ])
        #expect(probed == 0)
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Int] ?? [:]
        let grown = (result["peakKiB"] ?? 0) - (result["startKiB"] ?? 0)
        print("stalled reader: \(Self.events) events waiting, resident memory grew by \(grown) KiB (bound \(Self.boundKiB) KiB)")
        #expect(result["highWaterMark"] ?? 0 >= Self.events)
        #expect(grown <= Self.boundKiB)
        try await broker.stop()
    }
}
