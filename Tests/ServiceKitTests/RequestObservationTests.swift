import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import ServiceKit
import TestSupport
import Testing

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
        let warnings = log.records.filter { $0.level == .warning }
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
        let lines = log.records.filter { $0.message == "Request" }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.level == .debug)
        #expect(line.metadata["hb.request.path"] == "/ok?page=2")
        #expect(line.metadata["hb.request.method"] == "GET")

        let quiet = log.logger(level: .info)
        let before = log.records.count
        try await Application(router: router, logger: quiet).test(.router) { client in
            _ = try await client.execute(uri: "/ok", method: .get)
        }
        #expect(log.records.count == before)
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
