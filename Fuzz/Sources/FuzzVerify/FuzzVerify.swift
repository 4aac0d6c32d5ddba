import FuzzSupport

@testable import TokenKit

/// The whole access-token verification (AccessTokenVerifier) with the fuzz key set, policy
/// and clock, with and without the verified-token cache, and the claims path alone
/// (`inspectWithoutSignature`, so that mutated claims behind a broken signature still reach
/// the claims reader).
///
/// Asserts: nothing crashes or leaks; a token that verifies is at most 8 KiB, re-encodes to
/// exactly the given bytes, names a known kid, and its claims meet the policy at the clock;
/// the cached verifier gives the same verdict and claims as the uncached one, also on a
/// second call (a cache hit); claims that pass `inspectWithoutSignature` meet the policy too.
@main
enum FuzzVerify {
    static func main() { runFuzzer(warmUp: { _ = (uncached, cached) }, fuzzOne) }
}

let uncached = AccessTokenVerifier(policy: FuzzWorld.policy, keys: KeyDirectory(FuzzWorld.keys), cacheCapacity: 0)
let cached = AccessTokenVerifier(policy: FuzzWorld.policy, keys: KeyDirectory(FuzzWorld.keys), cacheCapacity: 64)

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let token = String(decoding: input, as: UTF8.self)
    let now = FuzzWorld.now
    let plain = Result { try uncached.verify(token, now: now) }
    let first = Result { try cached.verify(token, now: now) }
    let second = Result { try cached.verify(token, now: now) }
    require(same(plain, first) && same(first, second), "cached and uncached verdicts differ")
    if case .success(let claims) = plain {
        require(
            exactString(input) != nil && token.utf8.count <= CompactJWS.maximumSize, "accepted token is not valid UTF-8 of at most 8 KiB")
        require(reencodes(input), "a verified token does not re-encode to exactly its bytes")
        checkPolicy(claims, now: now)
    }
    if let claims = try? uncached.inspectWithoutSignature(token, now: now) { checkPolicy(claims, now: now) }
    return 0
}

func same(_ a: Result<AccessTokenClaims, any Error>, _ b: Result<AccessTokenClaims, any Error>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): return x == y
    case (.failure, .failure): return true
    default: return false
    }
}

func checkPolicy(_ claims: AccessTokenClaims, now: Double) {
    let policy = FuzzWorld.policy
    // Byte-exact: `==` on String compares canonical equivalence, which is not what a verifier may do.
    require(Array(claims.issuer.utf8) == Array(policy.issuer.utf8), "iss is not the policy's, byte for byte")
    require(claims.audience.contains { Array($0.utf8) == Array(policy.audience.utf8) }, "aud does not contain the policy's, byte for byte")
    require(claims.expiresAt + policy.leeway > now, "expired token accepted")
    require(claims.notBefore - policy.leeway <= now && claims.issuedAt - policy.leeway <= now, "token from the future accepted")
    require(!claims.tokenID.isEmpty && !claims.sessionID.isEmpty && !claims.subject.isEmpty, "empty identifier accepted")
}

/// Whether every part decodes and re-encodes to exactly its own text.
func reencodes(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let pieces = compactParts(input) else { return false }
    return pieces.allSatisfy { piece in
        guard let decoded = Base64URL.decode(String(decoding: piece, as: UTF8.self)) else { return false }
        return Array(Base64URL.encode(decoded).utf8) == Array(piece)
    }
}
