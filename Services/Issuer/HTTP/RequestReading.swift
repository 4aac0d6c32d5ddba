import BearerAuth
import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit
import TokenKit

/// Reading what clients send: JSON bodies of at most 16 KiB, cookies, the client address.
enum RequestReading {
    /// The largest body accepted (CONTRACT.md "Issuer HTTP").
    static let maximumBodySize = 16 * 1024

    /// The body as a strict JSON object; nil when the body is empty and `optional`.
    /// - Throws: ``APIError``: 413 beyond 16 KiB, 400 `invalid_request` for anything that is
    ///   not a JSON object sent as `application/json`.
    static func jsonObject(_ request: Request, optional: Bool = false) async throws -> JSONObject? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBodySize)
        } catch {
            throw APIError(.contentTooLarge, "invalid_request", "the body is larger than 16 KiB")
        }
        if buffer.readableBytes == 0, optional { return nil }
        guard let type = request.headers[.contentType]?.lowercased(),
            type == "application/json" || type.hasPrefix("application/json;")
        else { throw APIError.invalidRequest("the body must be JSON (Content-Type: application/json)") }
        do {
            return try JSONValue.parseObject(buffer.readableBytesView)
        } catch {
            throw APIError.invalidRequest("the body is not a JSON object")
        }
    }

    /// A string member of 1...`maximum` bytes.
    /// - Throws: 400 `invalid_request`.
    static func string(_ object: JSONObject, _ name: String, maximum: Int) throws -> String {
        guard let value = object[name]?.stringValue, !value.isEmpty, value.utf8.count <= maximum else {
            throw APIError.invalidRequest("\(name) must be a non-empty string of at most \(maximum) bytes")
        }
        return value
    }

    /// An optional boolean member.
    /// - Throws: 400 `invalid_request` when present and not a boolean.
    static func flag(_ object: JSONObject, _ name: String) throws -> Bool {
        guard let value = object[name] else { return false }
        guard case .bool(let flag) = value else { throw APIError.invalidRequest("\(name) must be a boolean") }
        return flag
    }

    /// The `Authorization: Bearer` token, if any.
    static func bearerToken(_ request: Request) -> String? { AuthorizationHeader.bearerToken(request.headers[.authorization]) }

    /// The client's address: the TCP peer, or — only when that peer is a trusted proxy — the
    /// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy.
    static func clientAddress(_ request: Request, peer: String?, trustedProxies: Set<String>) -> String {
        let peer = peer ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xRequestedWith = HTTPField.Name("X-Requested-With")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
