import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit
import TokenKit

/// The answers that carry tokens.
enum TokenResponse {
    /// 200 `{"access_token", "token_type": "Bearer", "expires_in"}`, with the refresh token in
    /// the HttpOnly cookie (browsers) or in the body as `refresh_token` (clients that asked).
    static func make(
        accessToken: String, expiresIn: Int, refresh: RefreshToken, cookieMaxAge: Int, inBody: Bool, cookie: RefreshCookie
    ) -> Response {
        var members: [JSONObject.Member] = [
            .init(name: "access_token", value: .string(accessToken)),
            .init(name: "token_type", value: .string("Bearer")),
            .init(name: "expires_in", value: .number(Double(expiresIn))),
        ]
        var headers: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
        if inBody {
            members.append(.init(name: "refresh_token", value: .string(refresh.text)))
            members.append(.init(name: "refresh_expires_in", value: .number(Double(cookieMaxAge))))
        } else {
            headers[.setCookie] = cookie.setCookie(value: refresh.text, maxAge: cookieMaxAge)
        }
        return Response.json(.object(JSONObject(members)), headers: headers)
    }
}
