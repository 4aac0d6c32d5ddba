import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
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

/// `RequestObservation`: the debug line Hummingbird's `LogRequestsMiddleware` wrote, the
/// Prometheus series its `MetricsMiddleware` wrote (so dashboards and alerts see no change), and
/// a trace of every 5xx.
@Suite("What an operator sees of a request")
struct RequestObservationTests {
    @Test("a 5xx: one warning with the reason and the request id; a 4xx: none")
    func tracesServerErrors() async throws {
        let log = CapturedLog()
        let router = Router()
        router.add(middleware: RequestObservation())
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

    @Test("one debug line per request with its path and method, and none above debug")
    func logsEveryRequestAtDebug() async throws {
        let log = CapturedLog()
        let router = Router()
        router.add(middleware: RequestObservation())
        router.get("ok") { _, _ in "ok" }
        try await Application(router: router, logger: log.logger()).test(.router) { client in
            _ = try await client.execute(uri: "/ok?page=2", method: .get)
        }
        let lines = log.all.filter { $0.message == "Request" }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.level == .debug)
        #expect(line.metadata["hb.request.path"] == "/ok?page=2")
        #expect(line.metadata["hb.request.method"] == "GET")

        var quiet = log.logger()
        quiet.logLevel = .info
        let before = log.all.count
        try await Application(router: router, logger: quiet).test(.router) { client in
            _ = try await client.execute(uri: "/ok", method: .get)
        }
        #expect(log.all.count == before)
    }

    @Test("every answer counted and timed by route, method and status; errors counted apart")
    func countsAndTimesEveryAnswer() async throws {
        let registry = PrometheusCollectorRegistry()
        let router = Router()
        router.add(middleware: RequestObservation(factory: PrometheusMetricsFactory(registry: registry)))
        router.get("ok") { _, _ in "ok" }
        router.get("refused") { _, _ -> Response in throw APIError.invalidRequest("no") }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<3 { _ = try await client.execute(uri: "/ok", method: .get) }
            _ = try await client.execute(uri: "/refused", method: .get)
        }
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        let ok = #"{http_route="/ok",http_request_method="GET",http_response_status_code="200"}"#
        #expect(text.contains("hb_requests\(ok) 3"), "\(text)")
        #expect(text.contains("http_server_request_duration_count\(ok) 3"), "\(text)")
        #expect(text.contains(#"hb_requests{http_route="/refused",http_request_method="GET",http_response_status_code="400"} 1"#))
        #expect(text.contains(#"hb_request_errors{http_route="/refused",http_request_method="GET",error_type="400"} 1"#))
        #expect(text.contains(#"http_server_active_requests{http_request_method="GET"} 0"#), "\(text)")
    }
}
