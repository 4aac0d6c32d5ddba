import Benchmark
import Crypto
import Foundation
import TokenKit
import _CryptoExtras

/// The TokenKit costs that docs/BENCHMARKS.md holds to bars, for ES256 and RS256 each.
///
/// Names are read by infra/bench/ratios.py: keep "<ALG> <operation>" in step with it.
/// Times are in nanoseconds so that the exported percentiles keep sub-microsecond detail.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )
    for algorithm in [SignatureAlgorithm.es256, .rs256] {
        // Setup that fails is a broken benchmark, not a measurement: stop loudly.
        let fixture = try! TokenFixture(algorithm)
        register(fixture, name: algorithm.rawValue)
    }
    registerEventBenchmarks()
    // Not a bar: what the harness adds to one unbatched sample (about 60 ns here), the
    // error bound on the µs-scale benchmarks below that are timed one operation per sample.
    Benchmark("harness floor") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(1) }
    }
}

/// One key, one realistic token and the verifiers that read it.
struct TokenFixture: Sendable {
    let signer: AccessTokenSigner
    let claims: AccessTokenClaims
    let token: String
    let now: Double
    let uncached: AccessTokenVerifier
    let cached: AccessTokenVerifier
    /// The JWS signing input (`header.payload`) and the raw signature, for the bare check.
    let signingInput: [UInt8]
    let signature: [UInt8]
    let key: SigningKey

    init(_ algorithm: SignatureAlgorithm) throws {
        key = try SigningKey.generate(algorithm)
        signer = AccessTokenSigner(key: key)
        now = Date().timeIntervalSince1970.rounded()
        claims = AccessTokenClaims(
            issuer: "https://issuer.example", subject: "user-1f0c6a2e-5b7d-4e8a-9c31-0d2b7f4e6a90",
            audience: ["api"], expiresAt: now + 900, notBefore: now - 60, issuedAt: now - 60,
            tokenID: Self.randomID(), sessionID: Self.randomID(), roles: ["reader", "writer"])
        token = try signer.sign(claims)
        let keys = KeyDirectory(try KeySet([key.verificationKey]))
        let policy = try ValidationPolicy(issuer: "https://issuer.example", audience: "api")
        uncached = AccessTokenVerifier(policy: policy, keys: keys, cacheCapacity: 0)
        cached = AccessTokenVerifier(policy: policy, keys: keys)
        _ = try cached.verify(token, now: now)
        let dot = token.lastIndex(of: ".")!
        signingInput = Array(token[..<dot].utf8)
        signature = Base64URL.decode(token[token.index(after: dot)...])!
    }

    /// 16 random bytes as 22 base64url characters, the shape of our `jti` and `sid`.
    static func randomID() -> String {
        Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    }
}

/// The same key as swift-crypto's own type, rebuilt from the public JWK. Both checks start
/// from the raw signature bytes, as TokenKit's verifier does.
func bareSignatureCheck(_ fixture: TokenFixture) throws -> @Sendable () -> Bool {
    let jwk = fixture.key.verificationKey.jwk
    func member(_ name: String) throws -> [UInt8] {
        guard let text = jwk[name]?.stringValue, let bytes = Base64URL.decode(text) else {
            throw TokenError(.invalidKey, "JWK lacks \(name)")
        }
        return bytes
    }
    let input = fixture.signingInput
    switch fixture.key.algorithm {
    case .es256:
        let key = try P256.Signing.PublicKey(x963Representation: [0x04] + member("x") + member("y"))
        let signature = fixture.signature
        return { () -> Bool in
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        }
    case .rs256:
        let key = try _RSA.Signing.PublicKey(n: member("n"), e: member("e"))
        let signature = fixture.signature
        return {
            key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .insecurePKCS1v1_5)
        }
    }
}

func register(_ fixture: TokenFixture, name: String) {
    let check = try! bareSignatureCheck(fixture)
    precondition(check(), "the bare signature check must accept the token")
    // Operations near 1 µs are timed 1,000 per sample so that the harness floor does not
    // count; longer ones one per sample, because a 3 ms sample on these shared cores is
    // often stretched by a preemption.
    let fast = Benchmark.Configuration(scalingFactor: .kilo, maxIterations: 10_000)

    Benchmark("\(name) sign") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try fixture.signer.sign(fixture.claims)) }
    }
    Benchmark("\(name) verify uncached") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try fixture.uncached.verify(fixture.token, now: fixture.now)) }
    }
    Benchmark("\(name) signature check swift-crypto") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(check()) }
    }
    Benchmark("\(name) inspect without signature") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.uncached.inspectWithoutSignature(fixture.token, now: fixture.now))
        }
    }
    Benchmark("\(name) verify cache hit", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try fixture.cached.verify(fixture.token, now: fixture.now)) }
    }
    // Not a bar: the floor under a cache hit, which looks tokens up by their SHA-256.
    let tokenBytes = Array(fixture.token.utf8)
    Benchmark("\(name) token SHA-256 swift-crypto", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SHA256.hash(data: tokenBytes)) }
    }
}
