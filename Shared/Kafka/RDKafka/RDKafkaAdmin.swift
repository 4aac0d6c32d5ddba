import CRdKafka
import Logging

/// CreateTopics and DeleteTopics through a short-lived client; blocking, so callers run them on
/// a thread of their own.
enum RDKafkaAdmin {
    struct NewTopic: Sendable {
        let name: String
        let partitions: Int
        let replicationFactor: Int
        let configs: [String: String]
    }

    /// Creates the topics; a topic that already exists counts as created.
    /// - Throws: ``KafkaError/Code/adminOperation`` naming the first topic that failed.
    static func createTopics(
        _ topics: [NewTopic], properties: [String: String], timeoutMilliseconds: Int32, logger: Logger
    ) throws {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        var handles: [OpaquePointer?] = []
        defer { handles.forEach { rd_kafka_NewTopic_destroy($0) } }
        for topic in topics {
            guard
                let handle = rd_kafka_NewTopic_new(
                    topic.name, Int32(topic.partitions), Int32(topic.replicationFactor), &errorBuffer,
                    errorBuffer.count)
            else {
                throw KafkaError(.adminOperation, "topic \(topic.name): \(errorString(errorBuffer))")
            }
            handles.append(handle)
            for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                let status = RDKafkaStatus(rd_kafka_NewTopic_set_config(handle, key, value))
                guard status.kind == .ok else {
                    throw KafkaError(.invalidConfiguration, "topic \(topic.name) \(key)=\(value): \(status)")
                }
            }
        }
        try run(
            .createTopics, handles: &handles, properties: properties, timeoutMilliseconds: timeoutMilliseconds, logger: logger)
    }

    /// Deletes the topics; a topic that does not exist counts as deleted.
    /// - Throws: ``KafkaError/Code/adminOperation`` naming the first topic that failed.
    static func deleteTopics(
        _ names: [String], properties: [String: String], timeoutMilliseconds: Int32, logger: Logger
    ) throws {
        var handles: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { handles.forEach { rd_kafka_DeleteTopic_destroy($0) } }
        try run(
            .deleteTopics, handles: &handles, properties: properties, timeoutMilliseconds: timeoutMilliseconds, logger: logger)
    }

    /// One admin request on topics: librdkafka's call and how its answer lists the topics.
    private struct TopicOperation {
        let kind: rd_kafka_admin_op_t
        /// Sends the request: client, handles, their count, options, answer queue.
        let start: (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?, Int, OpaquePointer?, OpaquePointer?) -> Void
        /// The operation's result inside the answer event.
        let result: (OpaquePointer?) -> OpaquePointer?
        /// The per-topic results of that result, and their count.
        let topics: (OpaquePointer?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<OpaquePointer?>?
        /// The per-topic error that counts as success (the topic is already as asked).
        let alreadyDone: rd_kafka_resp_err_t

        static var createTopics: TopicOperation {
            TopicOperation(
                kind: RD_KAFKA_ADMIN_OP_CREATETOPICS, start: rd_kafka_CreateTopics,
                result: rd_kafka_event_CreateTopics_result, topics: rd_kafka_CreateTopics_result_topics,
                alreadyDone: RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        }

        static var deleteTopics: TopicOperation {
            TopicOperation(
                kind: RD_KAFKA_ADMIN_OP_DELETETOPICS, start: rd_kafka_DeleteTopics,
                result: rd_kafka_event_DeleteTopics_result, topics: rd_kafka_DeleteTopics_result_topics,
                alreadyDone: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        }
    }

    private static func run(
        _ operation: TopicOperation, handles: inout [OpaquePointer?], properties: [String: String],
        timeoutMilliseconds: Int32, logger: Logger
    ) throws {
        let client = try RDKafkaClient(kind: .producer, properties: properties, callbacks: RDKafkaCallbacks(logger: logger))
        guard let queue = rd_kafka_queue_new(client.handle) else {
            throw KafkaError(.adminOperation, "rd_kafka_queue_new failed")
        }
        defer { rd_kafka_queue_destroy(queue) }
        guard let options = rd_kafka_AdminOptions_new(client.handle, operation.kind) else {
            throw KafkaError(.adminOperation, "rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errorBuffer, errorBuffer.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errorBuffer, errorBuffer.count)
        let count = handles.count
        operation.start(client.handle, &handles, count, options, queue)
        // The request timeout bounds the answer; the margin covers connecting first.
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 1000) else {
            throw KafkaError(.brokerUnreachable, "no answer to the admin request within \(timeoutMilliseconds) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventStatus = RDKafkaStatus(rd_kafka_event_error(event))
        guard eventStatus.kind == .ok else {
            let reason = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(
                eventStatus.kind == .timedOut ? .brokerUnreachable : .adminOperation, "\(eventStatus): \(reason)")
        }
        var resultCount = 0
        let results = operation.topics(operation.result(event), &resultCount)
        for index in 0..<resultCount {
            guard let result = results?[index] else { continue }
            let error = rd_kafka_topic_result_error(result)
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != operation.alreadyDone else { continue }
            let name = String(cString: rd_kafka_topic_result_name(result))
            let reason = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
            throw KafkaError(.adminOperation, "topic \(name): \(RDKafkaStatus(error)) \(reason)")
        }
    }
}
