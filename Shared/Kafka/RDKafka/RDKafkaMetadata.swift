import CRdKafka
import Logging

/// Short-lived clients that ask the broker something and go away. A fresh client carries no
/// metadata cache from before a broker restart, which is what makes it safe to use while topics
/// are being re-created (docs/KAFKA.md, librdkafka issue 4898).
enum RDKafkaMetadata {
    /// The partition count of every topic the broker has.
    /// - Throws: ``KafkaError/Code/brokerUnreachable`` when no broker answers in time.
    static func topics(
        properties: [String: String], timeoutMilliseconds: Int32, logger: Logger
    ) throws
        -> [String: Int]
    {
        var probeProperties = properties
        probeProperties["allow.auto.create.topics"] = "false"
        let client = try RDKafkaClient(
            kind: .producer, properties: probeProperties, callbacks: RDKafkaCallbacks(logger: logger))
        return try client.topics(timeoutMilliseconds: timeoutMilliseconds)
    }
}

extension RDKafkaClient {
    /// The partition count of every topic the broker has, asked through this client. The answer
    /// also fills the client's own metadata cache: a consumer that asks before it assigns knows
    /// each partition's leader at once, where otherwise librdkafka finds none and retries the
    /// start offset's lookup only after a fixed 500 ms.
    /// - Throws: ``KafkaError/Code/brokerUnreachable`` when no broker answers in time.
    func topics(timeoutMilliseconds: Int32) throws -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let status = RDKafkaStatus(rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds))
        guard status.kind == .ok, let metadata else {
            throw KafkaError(.brokerUnreachable, "metadata request failed: \(status)")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, let name = topic.topic else { continue }
            result[String(cString: name)] = Int(topic.partition_cnt)
        }
        return result
    }
}
