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
            operation: RD_KAFKA_ADMIN_OP_CREATETOPICS, properties: properties,
            timeoutMilliseconds: timeoutMilliseconds, logger: logger,
            start: { client, options, queue in
                rd_kafka_CreateTopics(client, &handles, handles.count, options, queue)
            },
            results: { event in
                var count = 0
                let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                return (0..<count).map { results![$0] }
            },
            acceptable: [RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS])
    }

    /// Deletes the topics; a topic that does not exist counts as deleted.
    /// - Throws: ``KafkaError/Code/adminOperation`` naming the first topic that failed.
    static func deleteTopics(
        _ names: [String], properties: [String: String], timeoutMilliseconds: Int32, logger: Logger
    ) throws {
        var handles: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { handles.forEach { rd_kafka_DeleteTopic_destroy($0) } }
        try run(
            operation: RD_KAFKA_ADMIN_OP_DELETETOPICS, properties: properties,
            timeoutMilliseconds: timeoutMilliseconds, logger: logger,
            start: { client, options, queue in
                rd_kafka_DeleteTopics(client, &handles, handles.count, options, queue)
            },
            results: { event in
                var count = 0
                let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
                return (0..<count).map { results![$0] }
            },
            acceptable: [RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART])
    }

    private static func run(
        operation: rd_kafka_admin_op_t, properties: [String: String], timeoutMilliseconds: Int32,
        logger: Logger,
        start: (OpaquePointer, OpaquePointer, OpaquePointer) -> Void,
        results: (OpaquePointer) -> [OpaquePointer?],
        acceptable: [rd_kafka_resp_err_t]
    ) throws {
        let client = try RDKafkaClient(kind: .producer, properties: properties, callbacks: RDKafkaCallbacks(logger: logger))
        guard let queue = rd_kafka_queue_new(client.handle) else {
            throw KafkaError(.adminOperation, "rd_kafka_queue_new failed")
        }
        defer { rd_kafka_queue_destroy(queue) }
        guard let options = rd_kafka_AdminOptions_new(client.handle, operation) else {
            throw KafkaError(.adminOperation, "rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errorBuffer, errorBuffer.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errorBuffer, errorBuffer.count)
        start(client.handle, options, queue)
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
        for result in results(event) {
            guard let result else { continue }
            let error = rd_kafka_topic_result_error(result)
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, !acceptable.contains(error) else { continue }
            let name = String(cString: rd_kafka_topic_result_name(result))
            let reason = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
            throw KafkaError(.adminOperation, "topic \(name): \(RDKafkaStatus(error)) \(reason)")
        }
    }
}
