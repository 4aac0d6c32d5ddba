import Foundation
import Logging
import Synchronization
import TokenKit

/// Writes one JSON object per log event to stderr: `ts`, `level`, `label`, `msg` and the
/// metadata (the request id among it). Callers never put tokens, passwords or key material in
/// messages or metadata; this handler has no way to tell a secret from anything else.
public struct JSONLogHandler: LogHandler {
    private static let output = Mutex(FileHandle.standardError)

    private let label: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for a logger with this label.
    public init(label: String) { self.label = label }

    /// Installs the handler for the whole process at `level`.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [JSONObject.Member] = [
            .init(name: "ts", value: .string(Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day()))),
            .init(name: "level", value: .string(event.level.rawValue)),
            .init(name: "label", value: .string(label)),
            .init(name: "msg", value: .string(event.message.description)),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for key in merged.keys.sorted() where !["ts", "level", "label", "msg"].contains(key) {
            members.append(.init(name: key, value: Self.json(merged[key]!)))
        }
        let line = JSONValue.object(JSONObject(members)).jsonText + "\n"
        Self.output.withLock { $0.write(Data(line.utf8)) }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary):
            .object(JSONObject(dictionary.keys.sorted().map { .init(name: $0, value: json(dictionary[$0]!)) }))
        }
    }
}
