import Crypto
import Foundation
import TokenKit

/// The JWKS body of a set of public keys and its strong `ETag`.
///
/// The keys are sorted by `kid` and written compactly, so the same set always gives the same
/// bytes; the ETag is the SHA-256 of those bytes (base64url, quoted), so it changes exactly
/// when the body does — across restarts and across instances behind one load balancer.
struct JWKSDocument: Sendable {
    let body: [UInt8]
    let etag: String

    init(keys: [VerificationKey]) {
        let sorted = keys.sorted { $0.kid < $1.kid }
        let document = JSONValue.object(JSONObject([.init(name: "keys", value: .array(sorted.map { .object($0.jwk) }))]))
        body = Array(document.jsonText.utf8)
        etag = "\"" + Base64URL.encode(Array(SHA256.hash(data: body))) + "\""
    }

    /// Whether an `If-None-Match` header value matches this document (RFC 9110 §13.1.2:
    /// `*`, or a list of entity tags; a weak tag matches by its opaque part).
    func matches(ifNoneMatch header: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || (tag.hasPrefix("W/") && String(tag.dropFirst(2)) == etag)
        }
    }
}
