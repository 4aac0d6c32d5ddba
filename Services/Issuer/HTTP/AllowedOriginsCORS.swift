import HTTPTypes
import Hummingbird

/// CORS for the origins in `ALLOWED_ORIGINS` only: a browser app served from one of them (say
/// `https://app.example.com` next to `https://auth.example.com`) may call `/auth/*` with
/// credentials and the `X-Requested-With` header. Any other origin gets no CORS headers, so its
/// preflight fails and the browser never sends the request — the other half of the CSRF checks.
struct AllowedOriginsCORS<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = Self.headers(origin)
            headers[.accessControlAllowMethods] = "POST"
            headers[.accessControlAllowHeaders] = "Content-Type, X-Requested-With, Authorization"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        for field in Self.headers(origin) { response.headers[field.name] = field.value }
        return response
    }

    private static func headers(_ origin: String) -> HTTPFields {
        [.accessControlAllowOrigin: origin, .accessControlAllowCredentials: "true", .vary: "Origin"]
    }
}
