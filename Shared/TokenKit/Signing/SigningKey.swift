import Crypto
import Foundation
import _CryptoExtras

/// A private key that signs JWS with one algorithm. Its public half is ``verificationKey``.
public struct SigningKey: Sendable {
    /// The unsigned big-endian RSA private parameters, for the JWK form.
    struct RSAComponents: Sendable, Equatable {
        var n, e, d, p, q, dp, dq, qi: [UInt8]
    }

    /// The public half, with the same `kid`.
    public let verificationKey: VerificationKey
    /// The key's algorithm.
    public var algorithm: SignatureAlgorithm { verificationKey.algorithm }
    /// The key id.
    public var kid: String { verificationKey.kid }

    private let privateScalar: [UInt8]?
    let rsaComponents: RSAComponents?
    private let pkcs8PEM: String
    private let signer: OpenSSLSigner

    init(p256 key: P256.Signing.PrivateKey, kid: String?) throws {
        let point = key.publicKey.x963Representation
        let members = JWK.members([
            "crv": "P-256", "kty": "EC",
            "x": Base64URL.encode(point[1..<33]), "y": Base64URL.encode(point[33..<65]),
        ])
        verificationKey = VerificationKey(material: .p256(key.publicKey), publicMembers: members, kid: kid)
        privateScalar = Array(key.rawRepresentation)
        rsaComponents = nil
        pkcs8PEM = key.pemRepresentation
        signer = try OpenSSLSigner(privateKeyDER: Array(key.derRepresentation))
    }

    init(rsa key: _RSA.Signing.PrivateKey, kid: String?) throws {
        let pkcs1 = Array(key.derRepresentation)
        // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qi } (RFC 8017 A.1.2)
        guard let ints = DER.integers(inSequence: pkcs1), ints.count == 9 else {
            throw TokenError(.invalidKey, "unexpected RSA private key encoding")
        }
        let parts = RSAComponents(n: ints[1], e: ints[2], d: ints[3], p: ints[4], q: ints[5], dp: ints[6], dq: ints[7], qi: ints[8])
        try RSAKeyChecks.validate(modulus: parts.n, exponent: parts.e)
        let members = JWK.members(["e": Base64URL.encode(parts.e), "kty": "RSA", "n": Base64URL.encode(parts.n)])
        verificationKey = VerificationKey(material: .rsa(key.publicKey), publicMembers: members, kid: kid)
        privateScalar = nil
        rsaComponents = parts
        pkcs8PEM = key.pkcs8PEMRepresentation
        signer = try OpenSSLSigner(privateKeyDER: pkcs1)
    }

    /// Generates a new key; its `kid` is its RFC 7638 thumbprint.
    /// - Throws: ``TokenError`` if the crypto library fails.
    public static func generate(_ algorithm: SignatureAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .es256: return try SigningKey(p256: P256.Signing.PrivateKey(), kid: nil)
        case .rs256: return try SigningKey(rsa: _RSA.Signing.PrivateKey(keySize: .bits2048), kid: nil)
        }
    }

    /// Reads a private key from a PKCS#8 (or PKCS#1 / SEC1) PEM document.
    /// - Throws: ``TokenError`` ``TokenError/Code/invalidKey``.
    public init(pem: String) throws {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            try self.init(p256: key, kid: nil)
        } else if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            try self.init(rsa: key, kid: nil)
        } else {
            throw TokenError(.invalidKey, "not a P-256 or RSA private key in PEM")
        }
    }

    /// The private JWK, with `kid`, `use` and `alg`. Secret: never log it.
    public var privateJWK: JSONObject {
        var object = verificationKey.jwk
        if let privateScalar {
            object.members.append(.init(name: "d", value: .string(Base64URL.encode(privateScalar))))
        } else if let parts = rsaComponents {
            for (name, value) in [("d", parts.d), ("p", parts.p), ("q", parts.q), ("dp", parts.dp), ("dq", parts.dq), ("qi", parts.qi)] {
                object.members.append(.init(name: name, value: .string(Base64URL.encode(value))))
            }
        }
        return object
    }

    /// The private key as PKCS#8 PEM. Secret: never log it.
    public var pem: String { pkcs8PEM }

    /// Signs a JWS signing input and returns the raw JWS signature (`r‖s` for ES256).
    /// - Throws: ``TokenError`` ``TokenError/Code/signingFailed``.
    public func sign(_ message: some ContiguousBytes) throws -> [UInt8] {
        let signature = try message.withUnsafeBytes { try signer.sign($0) }
        guard algorithm == .es256 else { return signature }
        guard let ints = DER.integers(inSequence: signature), ints.count == 2,
            let r = DER.leftPadded(ints[0], to: 32), let s = DER.leftPadded(ints[1], to: 32)
        else { throw TokenError(.signingFailed, "unexpected ECDSA signature encoding") }
        return r + s
    }
}
