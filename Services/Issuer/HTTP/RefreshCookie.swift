import HTTPTypes
import Hummingbird
import ServiceKit

/// The refresh cookie: its name (`REFRESH_COOKIE_NAME`), its attributes, and reading it back.
///
/// `refresh_token` with `Path=/auth` by default. `__Host-refresh_token` (the recommended
/// production choice, docs/ISSUER.md) makes the browser refuse the cookie unless it is
/// `Secure`, has `Path=/` and no `Domain`: a sibling subdomain can then neither set nor
/// overwrite it (cookie tossing), so it gets `Path=/`.
///
/// A request carrying the cookie twice is refused whatever the name: a second cookie of the
/// same name is what a tossed cookie looks like (a sibling subdomain's `Domain=` cookie, or a
/// more specific `Path`), and which of the two the browser sent first is not ours to guess.
struct RefreshCookie: Sendable {
    /// The cookie's name.
    let name: String

    /// The recommended name for production.
    static let hostPrefixed = "__Host-refresh_token"

    /// A cookie named `name`; `Path=/` when the name has the `__Host-` prefix, else `/auth`.
    /// - Throws: ``SettingError`` for a name that is not a cookie token.
    init(name: String = "refresh_token") throws {
        let separators = Set("()<>@,;:\\\"/[]?={} \t".utf8)
        guard !name.isEmpty, name.utf8.count <= 64, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && !separators.contains($0) }) else {
            throw SettingError("--refresh-cookie-name (REFRESH_COOKIE_NAME) must be a cookie name (letters, digits, - and _)")
        }
        self.name = name
    }

    /// `/` for a `__Host-` cookie (the browser requires it), else `/auth`.
    var path: String { name.hasPrefix("__Host-") ? "/" : "/auth" }

    /// The `Set-Cookie` value: never readable by JavaScript, HTTPS only, same-site only.
    func setCookie(value: String, maxAge: Int) -> String {
        "\(name)=\(value); HttpOnly; Secure; SameSite=Strict; Path=\(path); Max-Age=\(maxAge)"
    }

    /// The `Set-Cookie` value that clears the cookie.
    var cleared: String { setCookie(value: "", maxAge: 0) }

    /// The cookie's value in a request, if any.
    /// - Throws: 400 `invalid_request` when the request carries the cookie more than once.
    func value(in request: Request) throws -> String? {
        var found: [Substring] = []
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " || $0 == "\t" }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                found.append(trimmed[trimmed.index(after: equals)...])
            }
        }
        guard found.count <= 1 else {
            throw APIError.invalidRequest("the request carries more than one \(name) cookie")
        }
        guard let value = found.first?.trimmingSuffix(while: { $0 == " " || $0 == "\t" }), !value.isEmpty else { return nil }
        return String(value)
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
