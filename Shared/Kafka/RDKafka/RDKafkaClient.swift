import CRdKafka
import Logging
import Synchronization

/// One librdkafka client handle (`rd_kafka_t`), destroyed in `deinit`.
///
/// `@unchecked Sendable`: librdkafka documents `rd_kafka_t` as thread-safe for every call made
/// here (produce, poll, flush, purge, metadata, assign, watermarks); the handle is only destroyed
/// in `deinit`, when no other reference to this object, and so to the handle, exists.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    let handle: OpaquePointer
    let kind: Kind
    /// Kept alive for as long as `handle`: librdkafka's callbacks reach it through the opaque.
    private let callbacks: RDKafkaCallbacks
    /// Topic handles made ahead by ``prepareTopics(_:)``, destroyed before the client.
    private let topicHandles = Mutex<[String: OpaquePointer]>([:])

    /// Properties every client gets unless the caller sets them, for the librdkafka loaded at
    /// run time (`rd_kafka_version()`, the form `0xMMmmrrxx`).
    ///
    /// `enable.metrics.push=false`: no client telemetry (KIP-714) is pushed anywhere, and without
    /// it destroying a client no longer waits up to a second for the telemetry exchange to end
    /// (a metadata probe whose client was destroyed during that exchange took 1.0 s). The
    /// property exists from librdkafka 2.5.0 on; an older library refuses it as unknown and the
    /// client could not be created at all, so it is set only where the library knows it.
    static func defaults(libraryVersion: Int) -> [String: String] {
        libraryVersion >= metricsPushVersion ? ["enable.metrics.push": "false"] : [:]
    }

    /// librdkafka 2.5.0, the first with `enable.metrics.push`.
    static let metricsPushVersion = 0x0205_0000

    /// - Throws: ``KafkaError`` when the library is too old, a property is refused, or
    ///   librdkafka cannot create the client.
    init(
        kind: Kind, properties: [String: String], callbacks: RDKafkaCallbacks, deliveryReports: Bool = false
    )
        throws
    {
        try RDKafkaVersion.check()
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(.clientCreation, "rd_kafka_conf_new failed")
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let all = Self.defaults(libraryVersion: Int(rd_kafka_version())).merging(properties) { _, given in given }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let shown = KafkaSecurity.secretProperties.contains(key) ? "***" : value
                throw KafkaError(.invalidConfiguration, "\(key)=\(shown): \(errorString(errorBuffer))")
            }
        }
        rd_kafka_conf_set_opaque(conf, callbacks.opaque)
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        if deliveryReports {
            rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback)
        }
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // On success the handle owns `conf`; on failure it is still ours to free.
        guard let handle = rd_kafka_new(type, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.clientCreation, errorString(errorBuffer))
        }
        if kind == .consumer {
            // Error callbacks and logs are then served by rd_kafka_consumer_poll.
            rd_kafka_poll_set_consumer(handle)
        }
        self.handle = handle
        self.kind = kind
        self.callbacks = callbacks
    }

    deinit {
        for topic in topicHandles.withLock({ $0.values }) { rd_kafka_topic_destroy(topic) }
        if kind == .consumer {
            // No group to leave and no offsets to commit; closing could wait on a dead broker.
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(handle)
        }
    }

    /// Makes a topic handle for each topic now, so that librdkafka looks up their partitions in
    /// the background: a producer that meets a topic only with its first message holds that
    /// message for about a second (librdkafka 2.8.0 against the dev broker: 996-1007 ms for the
    /// first message to a second topic, 1.5 ms after; docs/SOAK.md). Does not block.
    func prepareTopics(_ names: [String]) {
        topicHandles.withLock { handles in
            for name in names where handles[name] == nil {
                if let topic = rd_kafka_topic_new(handle, name, nil) { handles[name] = topic }
            }
        }
    }

    /// Serves queued callbacks (delivery reports, errors); waits up to `timeoutMilliseconds`.
    @discardableResult
    func poll(timeoutMilliseconds: Int32) -> Int32 {
        rd_kafka_poll(handle, timeoutMilliseconds)
    }

    /// Enqueues one message (copied by librdkafka); `id` comes back in its delivery report.
    func produce(topic: String, key: [UInt8]?, value: [UInt8], id: UInt64) -> RDKafkaStatus {
        topic.withCString { topicPointer in
            value.withUnsafeBytes { valueBytes in
                withOptionalBytes(key) { keyBytes in
                    var arguments = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 5)
                    arguments[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    arguments[0].u.cstr = topicPointer
                    arguments[1].vtype = RD_KAFKA_VTYPE_VALUE
                    arguments[1].u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)
                    arguments[1].u.mem.size = valueBytes.count
                    arguments[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    arguments[2].u.i = RD_KAFKA_MSG_F_COPY
                    arguments[3].vtype = RD_KAFKA_VTYPE_OPAQUE
                    arguments[3].u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id))
                    var count = 4
                    if let keyBytes {
                        arguments[4].vtype = RD_KAFKA_VTYPE_KEY
                        arguments[4].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        arguments[4].u.mem.size = keyBytes.count
                        count = 5
                    }
                    guard let error = rd_kafka_produceva(handle, &arguments, count) else { return .ok }
                    defer { rd_kafka_error_destroy(error) }
                    return RDKafkaStatus(rd_kafka_error_code(error))
                }
            }
        }
    }

    /// Waits up to `timeoutMilliseconds` for every queued message to be delivered.
    func flush(timeoutMilliseconds: Int32) -> RDKafkaStatus {
        RDKafkaStatus(rd_kafka_flush(handle, timeoutMilliseconds))
    }

    /// Drops every queued and in-flight message; each gets a delivery report with a purge error
    /// at the next `poll`.
    func purgeAll() {
        _ = rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }

    /// Messages and requests still waiting in the client.
    var outQueueLength: Int { Int(rd_kafka_outq_len(handle)) }

    /// The fatal error that ends this client, if one was raised.
    var fatalError: String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        return code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : "\(RDKafkaStatus(code)): \(errorString(buffer))"
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
