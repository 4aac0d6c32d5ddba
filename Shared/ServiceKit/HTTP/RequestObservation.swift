import Hummingbird
import Metrics
import Synchronization

/// Everything an operator sees of a request, in one middleware: its log line, its metrics and,
/// for a 5xx, its trace (``ServerErrorTrace``).
///
/// - The log line is Hummingbird's `LogRequestsMiddleware(.debug)` one ("Request" with
///   `hb.request.path` and `hb.request.method`), written only when the logger is at debug.
/// - The metrics keep the names and dimensions of Hummingbird's `MetricsMiddleware`, so
///   dashboards see no difference: `hb_requests{http_route, http_request_method,
///   http_response_status_code}`, `http_server_request_duration_seconds{…}`,
///   `hb_request_errors{http_route, http_request_method, error_type}` and
///   `http_server_active_requests{http_request_method}`. They are recorded when the route has
///   answered rather than after the answer is written: Hummingbird's middleware wraps every body
///   in a closure to learn when it was written, and that turns a one-buffer answer's single
///   write (head, body and end in one flush) into three. The duration therefore leaves out
///   copying the answer into the socket, which never waits.
///
/// One middleware rather than three because each layer of Hummingbird's middleware chain costs
/// a request a few microseconds whatever it does (an async call through an existential with the
/// context copied); docs/BENCHMARKS.md has the A/B.
public struct RequestObservation<Context: RequestContext>: RouterMiddleware {
    private let cache: RequestMetricsCache

    /// Creates the middleware; its metrics are made on first use and kept.
    /// - Parameter factory: where the metrics go. Default: the process's metrics system.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        cache = RequestMetricsCache(factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.debug(
            "Request",
            metadata: ["hb.request.path": .stringConvertible(request.uri), "hb.request.method": .string(request.method.rawValue)])
        let started = ContinuousClock.now
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let metrics = cache.endpoint(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            metrics.requests.increment()
            let elapsed = ContinuousClock.now - started
            metrics.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            return response
        } catch {
            ServerErrorTrace.record(error, request: request, context: context)
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            metrics.requests.increment()
            metrics.errors.increment()
            throw error
        }
    }
}

/// The metrics of each method and of each route, method and status, made once: asking the
/// metrics factory takes its registry's lock and hashes the label and dimensions.
final class RequestMetricsCache: Sendable {
    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Metrics.Timer
        let errors: Counter
    }

    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    private let factory: any MetricsFactory
    private let endpoints = Mutex<[Key: Endpoint]>([:])
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { methods in
            if let meter = methods[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            methods[method] = meter
            return meter
        }
    }

    func endpoint(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Endpoint {
        let key = Key(route: route, method: method, status: status)
        return endpoints.withLock { endpoints in
            if let endpoint = endpoints[key] { return endpoint }
            let dimensions = [("http.route", route), ("http.request.method", method.rawValue)]
            let code = String(status.code)
            let endpoint = Endpoint(
                requests: Counter(label: "hb.requests", dimensions: dimensions + [("http.response.status_code", code)], factory: factory),
                duration: Metrics.Timer(
                    label: "http.server.request.duration", dimensions: dimensions + [("http.response.status_code", code)],
                    preferredDisplayUnit: .seconds, factory: factory),
                errors: Counter(label: "hb.request.errors", dimensions: dimensions + [("error.type", code)], factory: factory))
            endpoints[key] = endpoint
            return endpoint
        }
    }
}
