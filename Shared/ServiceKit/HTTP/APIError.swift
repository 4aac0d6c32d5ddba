import Hummingbird
import TokenKit

/// An expected failure, answered as `{"error": code, "error_description": …}` with its status
/// and any extra headers (such as `WWW-Authenticate` or `Retry-After`). Every refusal a client
/// can cause is one of these, so none ends up as a 500.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The machine-readable code (CONTRACT.md), e.g. `invalid_request`.
    public var code: String
    /// A human-readable description; never contains a secret.
    public var description: String
    /// Extra response headers.
    public var headers: HTTPFields

    /// Creates an error answer.
    public init(_ status: HTTPResponse.Status, _ code: String, _ description: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.description = description
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        let body = JSONValue.object(
            JSONObject([.init(name: "error", value: .string(code)), .init(name: "error_description", value: .string(description))]))
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
    }

    /// 400 `invalid_request`.
    public static func invalidRequest(_ description: String) -> APIError { APIError(.badRequest, "invalid_request", description) }

    /// 503 `unavailable`, for a dependency that is down.
    public static func unavailable(_ description: String) -> APIError {
        APIError(.serviceUnavailable, "temporarily_unavailable", description, headers: [.retryAfter: "1"])
    }
}

extension Response {
    /// A JSON response from a ``JSONValue``.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: value.jsonBytes)))
    }
}
