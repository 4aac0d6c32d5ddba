import Logging
import Synchronization

/// Keeps every record written to the loggers it makes (a fake log handler), for tests of what is
/// logged and of what never is (a password, a token).
public final class CapturedLog: Sendable {
    /// One log record, its metadata merged and rendered as strings.
    public struct Record: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: [String: String]
    }

    private let kept = Mutex<[Record]>([])

    public init() {}

    /// Every record so far, oldest first.
    public var records: [Record] { kept.withLock { $0 } }
    /// Every record's message so far.
    public var messages: [String] { records.map(\.message) }

    /// Forgets the records so far.
    public func clear() { kept.withLock { $0.removeAll() } }

    /// A logger whose records are kept.
    /// - Parameter level: the logger's level; records below it are never written.
    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let record = Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            log.kept.withLock { $0.append(record) }
        }
    }
}
