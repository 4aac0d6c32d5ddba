import Crypto
import TokenKit

/// An event as it travels on the topics: a compact JWS (RFC 7515) signed with EdDSA (RFC 8037)
/// by the issuer's event key, whose payload is the event's JSON.
///
/// The protected header is exactly `{"alg":"EdDSA","kid":"<event key>","typ":"auth-event"}`.
/// The topics are a delivery channel, not a source of trust: a consumer opens a message only
/// with a key it was configured with (``PinnedEventKeys``) and refuses everything else.
public enum SignedEvent {
    /// The `typ` of every event; tokens have `at+jwt`, so neither can pass for the other.
    public static let type = "auth-event"
    /// An event larger than this is refused before anything is parsed.
    public static let maximumSize = 16 * 1024

    /// The compact JWS of `payload`, signed with `key`.
    public static func sign(_ payload: [UInt8], with key: EventSigningKey) -> [UInt8] {
        let header = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"\#(key.publicKey.kid)","typ":"\#(type)"}"#.utf8))
        let input = Array((header + "." + Base64URL.encode(payload)).utf8)
        // Ed25519 signing is deterministic in RFC 8032; swift-crypto's does not fail for a valid key.
        let signature = (try? key.key.signature(for: input)).map { Array($0) } ?? []
        return input + Array(("." + Base64URL.encode(signature)).utf8)
    }

    /// The payload of a message signed by one of `keys`.
    /// - Throws: ``EventError``: `unsigned` (not a JWS: an old plain event or a forgery),
    ///   `malformed`, `unknown_signer` (a `kid` not pinned), `bad_signature`.
    public static func open(_ message: [UInt8], keys: PinnedEventKeys) throws -> [UInt8] {
        guard message.count <= maximumSize else { throw EventError(.malformed, "larger than \(maximumSize) bytes") }
        guard message.first != UInt8(ascii: "{") else { throw EventError(.unsigned, "an unsigned event") }
        let parts = message.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(Substring(decoding: parts[0], as: UTF8.self)),
            let payload = Base64URL.decode(Substring(decoding: parts[1], as: UTF8.self)),
            let signature = Base64URL.decode(Substring(decoding: parts[2], as: UTF8.self))
        else { throw EventError(.unsigned, "not a compact JWS") }
        let header: JSONObject
        do {
            header = try JSONValue.parseObject(headerBytes)
        } catch {
            throw EventError(.malformed, "the JWS header is not a strict JSON object")
        }
        guard header.names.sorted() == ["alg", "kid", "typ"], header["alg"]?.stringValue == "EdDSA",
            header["typ"]?.stringValue == type, let kid = header["kid"]?.stringValue
        else { throw EventError(.malformed, "the JWS header is not exactly alg EdDSA, kid, typ \(type)") }
        guard let key = keys.keys[kid] else { throw EventError(.unknownSigner, "signed by a key that is not pinned") }
        let signed = message[message.startIndex..<(message.startIndex + parts[0].count + 1 + parts[1].count)]
        guard signature.count == 64, key.key.isValidSignature(signature, for: signed) else {
            throw EventError(.badSignature, "the signature does not verify")
        }
        return payload
    }
}
