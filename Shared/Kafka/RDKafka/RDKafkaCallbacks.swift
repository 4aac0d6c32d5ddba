import CRdKafka
import Logging

/// A delivery report copied out of librdkafka's message before the callback returns.
struct RDKafkaDelivery: Sendable {
    let id: UInt64
    let status: RDKafkaStatus
    let partition: Int
    let offset: Int
}

/// What librdkafka's callbacks reach through the client's opaque pointer. The client keeps it
/// alive for as long as the C handle exists; the closures run on whichever thread librdkafka
/// calls from (the poll thread for delivery and error reports, any thread for logs).
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    let onError: @Sendable (RDKafkaStatus, String) -> Void
    let onDelivery: @Sendable (RDKafkaDelivery) -> Void

    init(
        logger: Logger,
        onError: @escaping @Sendable (RDKafkaStatus, String) -> Void = { _, _ in },
        onDelivery: @escaping @Sendable (RDKafkaDelivery) -> Void = { _ in }
    ) {
        self.logger = logger
        self.onError = onError
        self.onDelivery = onDelivery
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbacks? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }
}

func rdKafkaDeliveryCallback(
    _ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let message, let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    let report = message.pointee
    callbacks.onDelivery(
        RDKafkaDelivery(
            id: UInt64(UInt(bitPattern: report._private)),
            status: RDKafkaStatus(report.err),
            partition: Int(report.partition),
            offset: Int(report.offset)))
}

func rdKafkaErrorCallback(
    _ handle: OpaquePointer?, _ error: Int32, _ reason: UnsafePointer<CChar>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    callbacks.onError(RDKafkaStatus(code: error), reason.map { String(cString: $0) } ?? "")
}

func rdKafkaLogCallback(
    _ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?,
    _ line: UnsafePointer<CChar>?
) {
    guard let handle, let callbacks = RDKafkaCallbacks.from(rd_kafka_opaque(handle)) else { return }
    let swiftLevel: Logger.Level
    switch level {
    case ...2: swiftLevel = .critical
    case 3: swiftLevel = .error
    case 4: swiftLevel = .warning
    case 5: swiftLevel = .notice
    case 6: swiftLevel = .info
    default: swiftLevel = .debug
    }
    callbacks.logger.log(
        level: swiftLevel, "\(line.map { String(cString: $0) } ?? "")",
        metadata: ["librdkafka.facility": "\(facility.map { String(cString: $0) } ?? "")"])
}
