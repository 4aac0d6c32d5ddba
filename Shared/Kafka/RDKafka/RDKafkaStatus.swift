import CRdKafka

/// A librdkafka error code, translated into what this module acts on.
struct RDKafkaStatus: Sendable, Equatable, CustomStringConvertible {
    /// The kinds of outcome that change what the module does next.
    enum Kind: Sendable, Equatable {
        case ok
        /// The connection to a broker broke (`_TRANSPORT`).
        case transport
        /// No broker is reachable (`_ALL_BROKERS_DOWN`).
        case allBrokersDown
        /// The message was purged from the client's queues (`_PURGE_QUEUE`, `_PURGE_INFLIGHT`).
        case purged
        /// The requested offset does not exist (`OFFSET_OUT_OF_RANGE`, `_AUTO_OFFSET_RESET`).
        case offsetOutOfRange
        /// The idempotent producer's state is lost (`_FATAL`, `UNKNOWN_PRODUCER_ID`,
        /// `OUT_OF_ORDER_SEQUENCE_NUMBER`, `INVALID_PRODUCER_EPOCH`, `PRODUCER_FENCED`): the client
        /// must be recreated. The dev broker answers `PRODUCER_FENCED` to a client that bumped its
        /// epoch after a produce request timed out (docs/SOAK.md).
        case producerFenced
        /// The topic or partition does not exist.
        case unknownTopic
        /// The local queue is full.
        case queueFull
        case timedOut
        case other
    }

    let code: Int32
    let kind: Kind
    let name: String
    let message: String

    init(_ error: rd_kafka_resp_err_t) {
        code = error.rawValue
        name = String(cString: rd_kafka_err2name(error))
        message = String(cString: rd_kafka_err2str(error))
        switch error {
        case RD_KAFKA_RESP_ERR_NO_ERROR: kind = .ok
        case RD_KAFKA_RESP_ERR__TRANSPORT: kind = .transport
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN: kind = .allBrokersDown
        case RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT: kind = .purged
        case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
            kind = .offsetOutOfRange
        case RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID,
            RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH,
            RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
            kind = .producerFenced
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            kind = .unknownTopic
        case RD_KAFKA_RESP_ERR__QUEUE_FULL: kind = .queueFull
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            kind = .timedOut
        default: kind = .other
        }
    }

    init(code: Int32) { self.init(rd_kafka_resp_err_t(rawValue: code)) }

    static let ok = RDKafkaStatus(RD_KAFKA_RESP_ERR_NO_ERROR)

    /// The connection is gone: the client is to be dropped and recreated (docs/KAFKA.md).
    var meansBrokerLost: Bool { kind == .transport || kind == .allBrokersDown }

    var description: String { "\(name): \(message)" }
}

/// Reads a C error buffer filled by librdkafka.
func errorString(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
