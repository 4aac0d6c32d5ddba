import Crypto
import Foundation
import _CryptoExtras

/// A public key bound to exactly one algorithm, as published in a JWKS.
///
/// The algorithm comes from the key, never from a token header: a verifier compares the
/// header's `alg` with ``algorithm`` before it looks at the signature.
public struct VerificationKey: Sendable {
    enum Material: Sendable {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    /// The key id: the `kid` the key was published with, by default its RFC 7638 thumbprint.
    public let kid: String
    /// The only algorithm this key verifies.
    public let algorithm: SignatureAlgorithm
    /// The RFC 7638 SHA-256 thumbprint, base64url.
    public let thumbprint: String
    let material: Material
    /// The required public members (`kty`, `crv`/`x`/`y` or `n`/`e`) in thumbprint order.
    let publicMembers: [JSONObject.Member]

    init(material: Material, publicMembers: [JSONObject.Member], kid: String?) {
        self.material = material
        self.publicMembers = publicMembers
        switch material {
        case .p256: algorithm = .es256
        case .rsa: algorithm = .rs256
        }
        var writer = JSONWriter()
        writer.write(.object(JSONObject(publicMembers)))
        thumbprint = Base64URL.encode(Array(SHA256.hash(data: writer.bytes)))
        self.kid = kid ?? thumbprint
    }

    /// The public JWK: `kty`, `kid`, `use: "sig"`, `alg` and the public parameters; never a
    /// private member.
    public var jwk: JSONObject {
        var members = publicMembers
        members.append(.init(name: "kid", value: .string(kid)))
        members.append(.init(name: "use", value: .string("sig")))
        members.append(.init(name: "alg", value: .string(algorithm.rawValue)))
        return JSONObject(members)
    }

    /// Checks a raw JWS signature over `message` (the ASCII signing input).
    public func isValidSignature(_ signature: some DataProtocol, for message: some DataProtocol) -> Bool {
        switch material {
        case .p256(let key):
            guard signature.count == 64,
                let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: message, padding: .insecurePKCS1v1_5)
        }
    }
}
