import Foundation
import Kafka
import Logging

/// A reader that opens a stream of a topic as the feeds do and never reads it, while the
/// process's resident memory is sampled: what a feed that stalls holds while events keep
/// arriving. Writes the largest resident size seen, in KiB, to `report`.
struct StalledReader {
    let servers: [String]
    let topic: String
    let seconds: Int
    let report: String
    let logger: Logger

    func run() async throws {
        let source = KafkaBroadcastSource(configuration: KafkaConsumerConfiguration(bootstrapServers: servers), logger: logger)
        let stream = try await source.open(topic: topic, from: .beginning)
        _ = try await stream.positions()
        let start = try Self.residentKiB()
        var peak = start
        for _ in 0..<(seconds * 10) {
            try await Task.sleep(for: .milliseconds(100))
            peak = max(peak, try Self.residentKiB())
        }
        let marks = stream.highWaterMarks.values.reduce(0, +)
        await stream.shutdown()
        let line = "{\"startKiB\":\(start),\"peakKiB\":\(peak),\"highWaterMark\":\(marks)}\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: report))
        print("stalled reader: resident \(start) KiB at start, \(peak) KiB at most; topic end \(marks)")
    }

    /// VmRSS from /proc/self/status, in KiB.
    static func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
