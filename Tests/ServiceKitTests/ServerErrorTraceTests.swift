import Hummingbird
import HummingbirdTesting
import Logging
import ServiceKit
import Synchronization
import Testing

/// Keeps every log record (a fake log handler, installed on one logger only).
final class CapturedLog: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])
    var all: [Record] { records.withLock { $0 } }

    func logger() -> Logger {
        Logger(label: "captured") { _ in Handler(log: self) }
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
            log.records.withLock {
                $0.append(Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
            }
        }
    }
}

@Suite("Every 5xx leaves a trace")
struct ServerErrorTraceTests {
    @Test("a 5xx: one warning with the reason and the request id; a 4xx: none")
    func tracesServerErrors() async throws {
        let log = CapturedLog()
        let router = Router()
        router.add(middleware: ServerErrorTrace())
        router.get("down") { _, _ -> Response in throw APIError.unavailable("the session store is not answering") }
        router.get("bad") { _, _ -> Response in throw APIError.invalidRequest("no") }
        let app = Application(router: router, logger: log.logger())
        let statuses = try await app.test(.router) { client in
            [try await client.execute(uri: "/down", method: .get).status, try await client.execute(uri: "/bad", method: .get).status]
        }
        #expect(statuses == [.serviceUnavailable, .badRequest])
        let warnings = log.all.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.message == "server error")
        #expect(warning.metadata["status"] == "503")
        #expect(warning.metadata["reason"] == "the session store is not answering")
        #expect(warning.metadata["hb.request.id"] != nil, "\(warning.metadata)")
    }
}
