import Hummingbird
import Prometheus
import TokenKit

/// `GET /healthz` (alive), `GET /readyz` (200 only when ready, else 503 with the reasons) and
/// `GET /metrics` (Prometheus text).
public struct OperationalRoutes<Context: RequestContext>: Sendable {
    let readiness: Readiness
    let registry: PrometheusCollectorRegistry

    /// Creates the routes.
    public init(readiness: Readiness, registry: PrometheusCollectorRegistry) {
        self.readiness = readiness
        self.registry = registry
    }

    /// Adds the routes to `router`.
    public func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in
            Response.json(.object(JSONObject([.init(name: "status", value: .string("alive"))])))
        }
        router.get("readyz") { _, _ in
            let unmet = readiness.unmet
            guard unmet.isEmpty else {
                let reasons = JSONObject(unmet.keys.sorted().map { .init(name: $0, value: .string(unmet[$0]!)) })
                return Response.json(
                    .object(
                        JSONObject([.init(name: "status", value: .string("not_ready")), .init(name: "reasons", value: .object(reasons))])),
                    status: .serviceUnavailable)
            }
            return Response.json(.object(JSONObject([.init(name: "status", value: .string("ready"))])))
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
