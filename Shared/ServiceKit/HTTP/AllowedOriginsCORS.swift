import Hummingbird

/// CORS for the origins in `ALLOWED_ORIGINS` only, on every answer, errors included: a browser
/// app served from one of them (say `https://app.example.com` next to
/// `https://auth.example.com`) reads a 401, 403, 429 or 503 with its status, JSON body,
/// `WWW-Authenticate` and `Retry-After`, instead of an opaque network error that cannot be told
/// apart from an outage. Any other origin gets no CORS headers, so its preflight fails and the
/// browser never sends the request — on the issuer, the other half of the CSRF checks.
///
/// Add it before the routes it covers (Hummingbird wraps a route in the middleware present when
/// the route is added). Errors that are not ``HTTPResponseError``s stay errors (a bare 500).
public struct AllowedOriginsCORS<Context: RequestContext>: RouterMiddleware {
    /// Origins answered with CORS headers, compared exactly (`scheme://host[:port]`).
    public let allowedOrigins: Set<String>
    /// Whether responses say `Access-Control-Allow-Credentials: true`: only where cookies are used.
    public let allowCredentials: Bool
    private let methods: String

    /// Creates the middleware.
    /// - Parameters:
    ///   - allowedOrigins: the origins that get CORS headers; empty: none.
    ///   - methods: what a preflight allows, e.g. `[.post]` on the issuer, `[.get]` on a resource.
    ///   - allowCredentials: true only where the browser must send or receive cookies.
    public init(allowedOrigins: Set<String>, methods: [HTTPRequest.Method], allowCredentials: Bool) {
        self.allowedOrigins = allowedOrigins
        self.allowCredentials = allowCredentials
        self.methods = methods.map(\.rawValue).joined(separator: ", ")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowedOrigins.contains(origin) else {
            var response = try await next(request, context)
            response.headers[.vary] = "Origin"
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = headers(origin)
            headers[.accessControlAllowMethods] = methods
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-Requested-With"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Rendered here rather than by the server, so that the headers below reach errors too;
            // so the 5xx trace is left here as well.
            ServerErrorTrace.record(error, request: request, context: context)
            response = try error.response(from: request, context: context)
        }
        for field in headers(origin) { response.headers[field.name] = field.value }
        response.headers[.accessControlExposeHeaders] = "WWW-Authenticate, Retry-After"
        return response
    }

    private func headers(_ origin: String) -> HTTPFields {
        var fields: HTTPFields = [.accessControlAllowOrigin: origin, .vary: "Origin"]
        if allowCredentials { fields[.accessControlAllowCredentials] = "true" }
        return fields
    }
}
