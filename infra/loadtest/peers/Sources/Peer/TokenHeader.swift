import Foundation

/// The header members jwt-kit 5 leaves unchecked: it reads only `alg` and `kid`, verifies with
/// the key's own algorithm without comparing the header's, and never looks at `typ`. The
/// resource refuses a header whose `alg` is not its key's or whose `typ` is not `at+jwt`, so the
/// peer reads the header once more to apply the same rules.
struct TokenHeader: Decodable {
    let alg: String
    let kid: String
    let typ: String?

    /// The decoded first part of a compact JWS.
    static func of(_ token: String) throws -> TokenHeader {
        var base64 = token.prefix { $0 != "." }.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { throw Refused.header }
        return try JSONDecoder().decode(TokenHeader.self, from: data)
    }

    /// Whether `typ` is `at+jwt` (RFC 9068 §2.1), with or without `application/`, in any case.
    var isAccessToken: Bool {
        guard let typ = typ?.lowercased() else { return false }
        return typ == "at+jwt" || typ == "application/at+jwt"
    }
}

/// Why the peer refused a token (answered 401 either way).
enum Refused: Error {
    case header, claims
}
