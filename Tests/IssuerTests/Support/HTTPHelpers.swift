import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TokenKit

@testable import Issuer

/// What a successful login or refresh gave.
struct Tokens: Sendable {
    let accessToken: String
    let refreshToken: String
    let setCookie: String?
}

extension TestResponse {
    /// The body as a JSON object (or an empty one).
    var json: JSONObject { (try? JSONValue.parseObject(body.readableBytesView)) ?? JSONObject() }
    /// The `error` code of an error body.
    var errorCode: String? { json["error"]?.stringValue }
}

extension TestIssuer {
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    func post(_ path: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        if json != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: .post, headers: fields, body: json.map { ByteBuffer(string: $0) })
    }

    func login(_ username: String, _ password: String, inBody: Bool = false) async throws -> TestResponse {
        let extra = inBody ? ",\"refresh_token_in_body\":true" : ""
        return try await post("/auth/login", json: "{\"username\":\"\(username)\",\"password\":\"\(password)\"\(extra)}")
    }

    /// Logs in and expects success.
    func loggedIn(_ username: String, _ password: String) async throws -> Tokens {
        let response = try await login(username, password)
        // A refusal's body is an error object, never a token.
        #expect(response.status == .ok, "login answered \(response.status): \(String(buffer: response.body))")
        return try tokens(from: response)
    }

    /// Refreshes with the cookie and the CSRF header.
    func refresh(
        _ refreshToken: String, headers: HTTPFields = [.xRequestedWith: "fetch"], cookieName: String = "refresh_token"
    ) async throws -> TestResponse {
        var fields = headers
        fields[.cookie] = "\(cookieName)=\(refreshToken)"
        return try await post("/auth/refresh", headers: fields)
    }

    func tokens(from response: TestResponse) throws -> Tokens {
        let cookie = response.headers[.setCookie]
        let refresh = try #require(
            response.json["refresh_token"]?.stringValue ?? cookie.flatMap { Self.cookieValue($0) })
        let access = try #require(response.json["access_token"]?.stringValue)
        return Tokens(accessToken: access, refreshToken: refresh, setCookie: cookie)
    }

    static func cookieValue(_ setCookie: String) -> String? {
        guard let equals = setCookie.firstIndex(of: "="), setCookie[..<equals].hasSuffix("refresh_token") else { return nil }
        let value = setCookie[setCookie.index(after: equals)...].prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }

    /// The claims of an access token, checked with the issuer's own verifier.
    func claims(_ accessToken: String) throws -> AccessTokenClaims {
        try components.verifier.verify(accessToken)
    }
}
