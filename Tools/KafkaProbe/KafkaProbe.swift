import ArgumentParser
import Foundation
import Kafka
import Logging

/// Measures the Kafka adapter against a running broker: one-message produce→consume latency,
/// produce throughput, and the broker's CPU while a consumer waits idle (docs/BENCHMARKS.md).
@main
struct KafkaProbe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-probe",
        abstract: "Measure produce→consume latency, produce throughput and idle broker CPU; or the memory of a stalled reader.")

    @Option(help: "Bootstrap servers, comma-separated.")
    var brokers = ProcessInfo.processInfo.environment["KAFKA_BROKERS"] ?? "127.0.0.1:9092"

    @Option(help: "Messages for the latency run, sent one at a time.")
    var messages = 1000

    @Option(help: "Messages for the throughput run.")
    var throughputMessages = 10_000

    @Option(help: "Value size in bytes for the throughput run.")
    var size = 100

    @Option(help: "The consumer's fetch.wait.max.ms.")
    var fetchWaitMs = 10

    @Option(help: "The broker's pid file, for the idle CPU measurement (skipped when missing).")
    var brokerPidFile = ".run/dev/broker.pid"

    @Option(help: "Seconds to measure idle CPU for.")
    var idleSeconds = 10

    @Option(help: "Instead: open this topic as a feed does, never read it, and sample the resident memory.")
    var stalledReader: String?

    @Option(help: "With --stalled-reader: how long to sample, in seconds.")
    var stallSeconds = 30

    @Option(help: "With --stalled-reader: the file the JSON result goes to.")
    var report = "stalled-reader.json"

    func run() async throws {
        var logger = Logger(label: "kafka-probe")
        logger.logLevel = .warning
        if let stalledReader {
            try await StalledReader(
                servers: brokers.split(separator: ",").map(String.init), topic: stalledReader, seconds: stallSeconds, report: report,
                logger: logger
            ).run()
            return
        }
        let settings = ProbeSettings(
            servers: brokers.split(separator: ",").map(String.init), messages: messages,
            throughputMessages: throughputMessages, size: size, fetchWait: .milliseconds(fetchWaitMs),
            brokerPidFile: brokerPidFile, idleSeconds: idleSeconds)
        try await Probe(settings: settings, logger: logger).run()
    }
}

struct ProbeSettings: Sendable {
    let servers: [String]
    let messages: Int
    let throughputMessages: Int
    let size: Int
    let fetchWait: Duration
    let brokerPidFile: String
    let idleSeconds: Int
}
