import AuthEvents
import FuzzSupport
import TokenKit

/// The key and revocation event decoder (AuthEvent.decode), as every resource and JWKS
/// instance runs it on every message of the bus. The signed envelope that is being built will
/// need a target of its own once it lands (docs/FUZZING.md).
///
/// Asserts: nothing crashes or leaks; an accepted event encodes to bytes that decode to the
/// same event; an accepted key event's key passes the JWK rules and carries no private member;
/// its timeline is in order.
@main
enum FuzzEvents {
    static func main() { runFuzzer(fuzzOne) }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let event = try? AuthEvent.decode(input) else { return 0 }
    let again = try? AuthEvent.decode(event.encoded)
    require(again == event, "an event does not survive encode/decode: \(String(decoding: event.encoded, as: UTF8.self))")
    switch event {
    case .key(let key):
        require(!JWK.isPrivate(key.jwk), "a key event with a private key was accepted")
        require((try? key.verificationKey())?.kid == key.kid, "a key event's key is refused or has another kid")
        let timeline = key.timeline
        require(timeline.publishedAt <= timeline.activatesAt, "timeline out of order")
        if let retires = timeline.retiresAt { require(retires >= timeline.activatesAt, "retires before it activates") }
        if let removed = timeline.removedAt { require(timeline.retiresAt.map { removed >= $0 } ?? false, "removed before it retires") }
    case .revocation(let revocation):
        switch revocation.target {
        case .token(let id), .session(let id), .subject(let id, _): require(!id.isEmpty && id.utf8.count <= 256, "bad revocation id")
        }
    }
    return 0
}
