import CRdKafka

/// What one `rd_kafka_consumer_poll` gave, copied out of the C message before it is freed.
enum RDKafkaConsumed: Sendable {
    case message(KafkaMessage)
    case error(partition: Int?, offset: Int?, status: RDKafkaStatus, reason: String)
}

extension RDKafkaClient {
    /// Assigns the given partitions of one topic at the given offsets, replacing any assignment.
    /// Offsets may be the sentinels in ``RDKafkaOffset``.
    func assign(topic: String, offsets: [Int: Int]) -> RDKafkaStatus {
        withPartitionList(topic: topic, offsets: offsets) { RDKafkaStatus(rd_kafka_assign(handle, $0)) }
    }

    /// Moves the fetch position of the given partitions (they must be assigned).
    func seek(topic: String, offsets: [Int: Int], timeoutMilliseconds: Int32) -> RDKafkaStatus {
        withPartitionList(topic: topic, offsets: offsets) { list in
            guard let error = rd_kafka_seek_partitions(handle, list, timeoutMilliseconds) else { return .ok }
            defer { rd_kafka_error_destroy(error) }
            return RDKafkaStatus(rd_kafka_error_code(error))
        }
    }

    /// Waits up to `timeoutMilliseconds` for a message, an error, or nothing.
    func consumerPoll(timeoutMilliseconds: Int32) -> RDKafkaConsumed? {
        guard let pointer = rd_kafka_consumer_poll(handle, timeoutMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(pointer) }
        let message = pointer.pointee
        let partition = message.partition >= 0 ? Int(message.partition) : nil
        guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let reason = rd_kafka_message_errstr(pointer).map { String(cString: $0) } ?? ""
            return .error(
                partition: partition, offset: message.offset >= 0 ? Int(message.offset) : nil,
                status: RDKafkaStatus(message.err), reason: reason)
        }
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let value = message.payload.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: message.len)) } ?? []
        let key = message.key.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        return .message(
            KafkaMessage(topic: topic, partition: Int(message.partition), offset: Int(message.offset), key: key, value: value))
    }

    /// The low and high watermarks last seen in a fetch response, without asking the broker
    /// (ListOffsets "latest" is wrong on the dev broker; the fetch response's is right).
    func cachedWatermarks(topic: String, partition: Int) -> (low: Int, high: Int)? {
        var low: Int64 = -1
        var high: Int64 = -1
        let status = rd_kafka_get_watermark_offsets(handle, topic, Int32(partition), &low, &high)
        guard status == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return (Int(max(low, 0)), Int(high))
    }

    private func withPartitionList<R>(
        topic: String, offsets: [Int: Int], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> R
    ) -> R {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            rd_kafka_topic_partition_list_add(list, topic, Int32(partition)).pointee.offset = Int64(offset)
        }
        return body(list)
    }
}

/// librdkafka's logical offsets.
enum RDKafkaOffset {
    static let beginning = Int(RD_KAFKA_OFFSET_BEGINNING)
    static let end = Int(RD_KAFKA_OFFSET_END)
}
