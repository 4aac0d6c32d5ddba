import Foundation
import Kafka
import Logging

struct Probe {
    let settings: ProbeSettings
    let logger: Logger

    func run() async throws {
        try await measureIdle(what: "no client connected")
        let connection = KafkaConnection(
            bootstrapServers: settings.servers, clientID: "kafka-probe",
            security: try KafkaSecurity(environment: ProcessInfo.processInfo.environment))
        let admin = KafkaAdmin(configuration: KafkaAdminConfiguration(connection: connection), logger: logger)
        let topic = "kafka-probe-\(UInt32.random(in: 0...UInt32.max))"
        try await admin.createTopics([KafkaTopicSpec(name: topic)])
        defer { print("topic \(topic) left on the broker (memory only)") }

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        var consumerConfiguration = KafkaConsumerConfiguration(connection: connection)
        consumerConfiguration.fetchWaitMax = settings.fetchWait
        let consumer = try KafkaBroadcastConsumer(
            topic: topic, start: .end, configuration: consumerConfiguration, logger: logger)
        _ = try await consumer.positions()
        var events = consumer.events.makeAsyncIterator()

        print(
            "librdkafka fetch.wait.max.ms=\(settings.fetchWait.components.seconds * 1000 + settings.fetchWait.components.attoseconds / 1_000_000_000_000_000)"
        )
        // Latency: one message at a time, from the send call until the consumer has it.
        var latencies: [Double] = []
        var deliveries: [Double] = []
        for index in 0..<(settings.messages + 20) {
            let value = Array("latency-\(index)".utf8)
            let start = ContinuousClock.now
            async let delivery = timedSend(producer, topic: topic, value: value, since: start)
            var received = false
            while !received, let event = await events.next() {
                if case .message(let message) = event, message.value == value { received = true }
            }
            let consumed = ContinuousClock.now - start
            let delivered = try await delivery
            if index >= 20 {  // the first ones warm up connections
                latencies.append(consumed.milliseconds)
                deliveries.append(delivered.milliseconds)
            }
        }
        print(
            String(
                format: "produce→consume latency, %d messages one at a time: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                latencies.count, percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.max() ?? 0))
        print(
            String(
                format: "  (send→delivery report alone: p50 %.2f ms, p99 %.2f ms)",
                percentile(deliveries, 0.50), percentile(deliveries, 0.99)))

        // Throughput: all sends in flight together, until every delivery report is back.
        let payload = [UInt8](repeating: 0x61, count: settings.size)
        let throughputStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<settings.throughputMessages {
                group.addTask { _ = try await producer.send(topic: topic, value: payload) }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - throughputStart).milliseconds
        print(
            String(
                format: "produce throughput: %d × %d B delivered in %.0f ms (%.0f messages/s)",
                settings.throughputMessages, settings.size, elapsed, Double(settings.throughputMessages) / elapsed * 1000))

        // Drain what the throughput run produced, then measure while the consumer waits idle.
        let drainUntil = ContinuousClock.now + .seconds(30)
        var drained = 0
        while drained < settings.throughputMessages, ContinuousClock.now < drainUntil, let event = await events.next() {
            if case .message = event { drained += 1 }
        }
        try await measureIdle(what: "one consumer waiting")

        // More than one client would mean a broker loss was seen (a spurious one, on a quiet run).
        print("clients created: producer \(producer.clientsCreated), consumer \(consumer.clientsCreated)")
        await consumer.shutdown()
        await producer.shutdown()
        try? await admin.deleteTopics([topic])
    }

    private func measureIdle(what: String) async throws {
        guard let pidText = try? String(contentsOfFile: settings.brokerPidFile, encoding: .utf8),
            let pid = Int(pidText.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            print("idle CPU: skipped (no broker pid file at \(settings.brokerPidFile))")
            return
        }
        let brokerBefore = try cpuSeconds(pid: "\(pid)")
        let ownBefore = try cpuSeconds(pid: "self")
        try await Task.sleep(for: .seconds(settings.idleSeconds))
        let broker = (try cpuSeconds(pid: "\(pid)") - brokerBefore) / Double(settings.idleSeconds) * 100
        let own = (try cpuSeconds(pid: "self") - ownBefore) / Double(settings.idleSeconds) * 100
        print(
            "idle over \(settings.idleSeconds) s, \(what): "
                + String(format: "broker %.1f%% of a core, this process %.1f%%", broker, own))
    }
}

/// Sends one message and returns how long after `since` its delivery report came back.
func timedSend(
    _ producer: KafkaProducer, topic: String, value: [UInt8], since start: ContinuousClock.Instant
)
    async throws -> Duration
{
    _ = try await producer.send(topic: topic, value: value)
    return ContinuousClock.now - start
}

/// utime + stime of a process, in seconds, from /proc/PID/stat.
func cpuSeconds(pid: String) throws -> Double {
    let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    // Fields after the command name, which is in parentheses and may contain spaces.
    guard let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
