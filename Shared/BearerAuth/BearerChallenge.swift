import Hummingbird
import ServiceKit

/// The RFC 6750 answers of a protected resource.
public struct BearerChallenge: Sendable {
    /// The `realm` in `WWW-Authenticate`.
    public let realm: String

    /// Creates the challenges for a realm.
    public init(realm: String) { self.realm = realm }

    /// 401 for a request without a bearer token: a challenge with no error code (RFC 6750 §3.1).
    public var missingToken: APIError {
        APIError(.unauthorized, "invalid_token", "a bearer token is required", headers: [.wwwAuthenticate: "Bearer realm=\"\(realm)\""])
    }

    /// 401 `invalid_token` for a bad, expired or revoked token, with the reason.
    public func invalidToken(_ reason: String) -> APIError {
        APIError(
            .unauthorized, "invalid_token", reason,
            headers: [.wwwAuthenticate: "Bearer realm=\"\(realm)\", error=\"invalid_token\", error_description=\"\(Self.quoted(reason))\""])
    }

    /// 403 `insufficient_scope` for a valid token without the needed role.
    public func insufficientScope(role: String) -> APIError {
        APIError(
            .forbidden, "insufficient_scope", "the token lacks the role \(role)",
            headers: [
                .wwwAuthenticate:
                    "Bearer realm=\"\(realm)\", error=\"insufficient_scope\", error_description=\"the token lacks the role \(Self.quoted(role))\""
            ])
    }

    /// Keeps a header quoted-string valid (RFC 9110 §5.6.4).
    private static func quoted(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(Character.init))
    }
}
