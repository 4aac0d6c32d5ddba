import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// The checks on requests that a browser authenticates with the refresh cookie (refresh,
/// logout): a cross-site page must not be able to make them.
///
/// - `X-Requested-With` must be present and non-empty: a cross-site form cannot set it, and a
///   cross-site `fetch` that sets it needs a CORS preflight, which the issuer never grants.
/// - `Origin`, when present, must be one of `ALLOWED_ORIGINS`.
/// - `Sec-Fetch-Site: cross-site` is refused (browsers that send it tell us directly).
///
/// Every refusal is 403 `csrf_rejected`.
struct CSRFGuard: Sendable {
    let allowedOrigins: Set<String>

    /// - Throws: 403 `csrf_rejected`.
    func check(_ request: Request) throws {
        guard let marker = request.headers[.xRequestedWith],
            marker.utf8.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") })
        else {
            throw Self.rejected("the X-Requested-With header is required")
        }
        if let origin = request.headers[.origin], !allowedOrigins.contains(origin) {
            throw Self.rejected("the request's Origin is not allowed")
        }
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" {
            throw Self.rejected("cross-site requests are refused")
        }
    }

    private static func rejected(_ description: String) -> APIError { APIError(.forbidden, "csrf_rejected", description) }
}
