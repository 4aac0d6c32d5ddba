import AuthEvents
import Benchmark
import Crypto
import TokenKit

/// What a consumer pays for one signed event (docs/EVENTS.md "Signatures"): the whole
/// `SignedEvent.open` against the bare Ed25519 check of the same signature, and what the issuer
/// pays to sign one. Names are read by infra/bench/ratios.py.
func registerEventBenchmarks() {
    let key = EventSigningKey.generate()
    let pinned = try! PinnedEventKeys([key.publicKey])
    let payload = Array(
        #"{"type":"revocation","version":2,"issuer":"https://issuer.example","kind":"jti","value":"3q2-7wGkTVqK1uUu0cGr9g","expiresAt":1795456500,"revokedAt":1795455601}"#
            .utf8)
    let message = SignedEvent.sign(payload, with: key)
    precondition((try? SignedEvent.open(message, keys: pinned)) == payload, "the event must open")
    // The bare check: swift-crypto's own key from the raw public bytes, the signature already decoded.
    let parts = message.split(separator: UInt8(ascii: "."))
    let signingInput = Array(message[..<(parts[0].count + 1 + parts[1].count)])
    let signature = Base64URL.decode(Substring(decoding: parts[2], as: UTF8.self))!
    let x = Base64URL.decode(key.publicKey.jwk["x"]!.stringValue!)!
    let bare = try! Curve25519.Signing.PublicKey(rawRepresentation: x)
    precondition(bare.isValidSignature(signature, for: signingInput))

    Benchmark("EdDSA event open") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try SignedEvent.open(message, keys: pinned)) }
    }
    Benchmark("EdDSA signature check swift-crypto") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(bare.isValidSignature(signature, for: signingInput)) }
    }
    Benchmark("EdDSA event sign") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SignedEvent.sign(payload, with: key)) }
    }
}
