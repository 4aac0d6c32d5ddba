import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A minimal HTTP client for the tests: no cookie store, no redirects, every header visible.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// The JSON body as a dictionary.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The value of the `refresh_token` cookie set by this response.
    var refreshCookie: String? {
        guard let cookie = header("Set-Cookie"), cookie.hasPrefix("refresh_token=") else { return nil }
        return String(cookie.dropFirst("refresh_token=".count).prefix { $0 != ";" })
    }
}

enum HTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 10
        return URLSession(configuration: configuration)
    }()

    static func send(
        _ method: String, _ url: String, headers: [String: String] = [:], json: [String: Any]? = nil
    ) async throws -> HTTPResult {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    static func get(_ url: String, bearer: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        if let bearer { all["Authorization"] = "Bearer \(bearer)" }
        return try await send("GET", url, headers: all)
    }
}

/// Flows of a browser client against the issuer.
enum Client {
    struct Login {
        var accessToken: String
        var refreshCookie: String
    }

    static func login(_ username: String, _ password: String) async throws -> Login {
        let result = try await HTTP.send("POST", Cluster.issuer + "/auth/login", json: ["username": username, "password": password])
        #expect(result.status == 200, "login \(username): \(String(decoding: result.body, as: UTF8.self))")
        return Login(
            accessToken: result.json["access_token"] as? String ?? "",
            refreshCookie: try #require(result.refreshCookie, "login sets the refresh cookie"))
    }

    static func alice() async throws -> Login { try await login("alice", "alice-dev-password") }
    static func admin() async throws -> Login { try await login("admin", "admin-dev-password") }

    static func refresh(_ cookie: String, extraHeaders: [String: String] = ["X-Requested-With": "fetch"]) async throws -> HTTPResult {
        var headers = extraHeaders
        headers["Cookie"] = "refresh_token=\(cookie)"
        return try await HTTP.send("POST", Cluster.issuer + "/auth/refresh", headers: headers)
    }

    static func logout(bearer: String? = nil, cookie: String? = nil) async throws -> HTTPResult {
        var headers: [String: String] = ["X-Requested-With": "fetch"]
        if let bearer { headers["Authorization"] = "Bearer \(bearer)" }
        if let cookie { headers["Cookie"] = "refresh_token=\(cookie)" }
        return try await HTTP.send("POST", Cluster.issuer + "/auth/logout", headers: headers)
    }

    /// Polls every resource instance until each refuses `token`; returns the slowest delay.
    static func waitUntilRefusedEverywhere(_ token: String, within limit: Duration = .seconds(5)) async throws -> Duration {
        let start = ContinuousClock.now
        var slowest = Duration.zero
        for resource in Cluster.resources {
            while try await HTTP.get(resource + "/api/me", bearer: token).status != 401 {
                guard ContinuousClock.now - start < limit else {
                    Issue.record("\(resource) still accepts a revoked token after \(limit)")
                    return limit
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            slowest = max(slowest, ContinuousClock.now - start)
        }
        return slowest
    }
}
