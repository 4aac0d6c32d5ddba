import Hummingbird
import HummingbirdTesting
import Prometheus
import ServiceKit
import Testing

/// `RequestMetrics` keeps the Prometheus series Hummingbird's `MetricsMiddleware` wrote, so
/// dashboards and alerts built on them see no change.
@Suite("Request metrics under Hummingbird's names")
struct RequestMetricsTests {
    @Test("every answer counted and timed by route, method and status; errors counted apart")
    func countsAndTimesEveryAnswer() async throws {
        let registry = PrometheusCollectorRegistry()
        let router = Router()
        router.add(middleware: RequestMetrics(factory: PrometheusMetricsFactory(registry: registry)))
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
