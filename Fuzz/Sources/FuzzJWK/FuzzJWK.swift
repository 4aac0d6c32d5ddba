import FuzzSupport

@testable import TokenKit

/// The JWK and JWKS readers: JWK.verificationKey, JWK.signingKey and KeySet(jwks:).
///
/// Asserts: nothing crashes or leaks; an accepted public key re-read from its own published
/// JWK is the same key (kid, algorithm, RFC 7638 thumbprint) and that JWK has no private
/// member; an accepted private key's public half is the key the public reader gets from the
/// same object; an accepted JWKS re-read from its published form has the same keys.
@main
enum FuzzJWK {
    static func main() { runFuzzer(fuzzOne) }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    if let object = try? JSONValue.parseObject(input) {
        if let key = try? JWK.verificationKey(from: object) { checkPublished(key) }
        if let signing = try? JWK.signingKey(from: object) {
            let public_ = try? JWK.verificationKey(from: object)
            require(public_?.thumbprint == signing.verificationKey.thumbprint, "private key's public half differs from the public reader's")
            checkPublished(signing.verificationKey)
        }
    }
    if let set = try? KeySet(jwks: input) {
        let published = Array(set.jwks.jsonText.utf8)
        guard let again = try? KeySet(jwks: published) else {
            require(false, "a key set's own JWKS is refused")
            return 0
        }
        require(again.fingerprint == set.fingerprint && again.count == set.count, "a key set's own JWKS reads as other keys")
        for key in set.keys { require(again[key.kid]?.thumbprint == key.thumbprint, "key \(key.kid) changed on re-read") }
    }
    return 0
}

func checkPublished(_ key: VerificationKey) {
    let jwk = key.jwk
    require(!JWK.isPrivate(jwk) && ["p", "q", "dp", "dq", "qi"].allSatisfy { jwk[$0] == nil }, "a published JWK carries a private member")
    guard let again = try? JWK.verificationKey(from: jwk) else {
        require(false, "a key's own JWK is refused")
        return
    }
    require(again.kid == key.kid && again.algorithm == key.algorithm && again.thumbprint == key.thumbprint, "a key changed on re-read")
}
