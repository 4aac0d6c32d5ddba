import AuthEvents
import Crypto
import FuzzSupport
import TokenKit

/// What every resource and JWKS instance runs on every message of the bus: the signed envelope
/// (`SignedEvent.open` with a pinned key), the key and revocation decoders, and the revocation
/// fast path (`CanonicalRevocation`) that reads Redis snapshots. The event files are compiled in
/// through links (Linked/), as the issuer's readers are.
///
/// Asserts: nothing crashes or leaks; an opened message verifies only under the pinned key and
/// its payload is what was signed; an accepted event encodes to bytes that decode to the same
/// event; an accepted key event's key passes the JWK rules and carries no private member; the
/// fast path accepts nothing the full decoder refuses and reads the same revocation.
@main
enum FuzzEvents {
    static func main() { runFuzzer(fuzzOne) }
}

/// A fixed event key, so that inputs built from signed seeds stay meaningful across runs.
let eventKey = try! EventSigningKey(
    jwk: JSONValue.parseObject(
        Array(
            #"{"kty":"OKP","crv":"Ed25519","x":"c2Mv6ra11vBIgKVXpbAWd4fruCE0omcjZmnmxO91csI","d":"WUY-63YjImc-p_0bZxG_Gx03fVNijqGtv9X41x3bxz0"}"#
                .utf8)))
let pinned = try! PinnedEventKeys([eventKey.publicKey])
let issuerBytes = Array("http://127.0.0.1:8080".utf8)

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let message = Array(input)
    if let payload = try? SignedEvent.open(message, keys: pinned) {
        // What opens is three parts of strict base64url, each re-encoding to exactly its bytes.
        let parts = message.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        require(parts.count == 3, "an opened event is not three parts")
        for part in parts {
            let decoded = Base64URL.decode(String(decoding: part, as: UTF8.self))
            require(decoded.map { Array(Base64URL.encode($0).utf8) == Array(part) } ?? false, "an opened event does not re-encode")
        }
        require(Base64URL.decode(String(decoding: parts[1], as: UTF8.self)) == payload, "the payload is not the signed part")
        checkPayload(payload)
    }
    checkPayload(message)
    return 0
}

func checkPayload(_ input: [UInt8]) {
    let revocation = try? RevocationEvent(decoding: input)
    if let revocation {
        require((try? RevocationEvent(decoding: revocation.encoded)) == revocation, "a revocation does not survive encode/decode")
        switch revocation.target {
        case .token(let id), .session(let id), .subject(let id, _): require(!id.isEmpty && id.utf8.count <= 256, "bad revocation id")
        }
    }
    if let fast = CanonicalRevocation(input, issuer: issuerBytes) {
        guard let revocation else { return require(false, "the fast path accepted what the decoder refuses") }
        let (isSession, id): (Bool, String)
        switch revocation.target {
        case .token(let value): (isSession, id) = (false, value)
        case .session(let value): (isSession, id) = (true, value)
        case .subject: return require(false, "the fast path read a subject revocation")
        }
        require(
            fast
                == CanonicalRevocation(
                    isSession: isSession, id: RevocationID(id), expiresAt: revocation.expiresAt, revokedAt: revocation.revokedAt),
            "the fast path and the decoder disagree")
    }
    if let key = try? KeyEvent(decoding: input) {
        require((try? KeyEvent(decoding: key.encoded)) == key, "a key event does not survive encode/decode")
        require(!JWK.isPrivate(key.jwk), "a key event with a private key was accepted")
        require((try? key.verificationKey())?.kid == key.kid, "a key event's key is refused or has another kid")
        let timeline = key.timeline
        require(timeline.publishedAt <= timeline.activatesAt, "timeline out of order")
        if let retires = timeline.retiresAt { require(retires >= timeline.activatesAt, "retires before it activates") }
        if let removed = timeline.removedAt { require(timeline.retiresAt.map { removed >= $0 } ?? false, "removed before it retires") }
        require(key.validUntil > key.announcedAt, "valid until before it was announced")
    }
}
