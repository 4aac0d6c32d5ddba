import ArgumentParser
import Foundation
import TokenKit

extension SignatureAlgorithm: ExpressibleByArgument {}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a new private key as a JWK (or PEM with --pem).")

    @Option(help: "ES256 or RS256.")
    var alg: SignatureAlgorithm

    @Flag(help: "Print PKCS#8 PEM instead of a JWK.")
    var pem = false

    func run() throws {
        let key = try SigningKey.generate(alg)
        print(pem ? key.pem : JSONValue.object(key.privateJWK).jsonText, terminator: pem ? "" : "\n")
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign a claims object into an access token (typ at+jwt).")

    @Option(help: "Private key file: a JWK or a PEM.")
    var key: String

    @Option(help: "The claims, a JSON object.")
    var claims: String

    func run() throws {
        let signingKey = try KeyFiles.signingKey(at: key)
        let bytes = Array(claims.utf8)
        do {
            _ = try JSONValue.parseObject(bytes)
        } catch let error as TokenError {
            throw InputFailure(message: "--claims is not a strict JSON object: \(error.reason)")
        }
        print(try AccessTokenSigner(key: signingKey).sign(claimsJSON: bytes))
    }
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a token's header and claims WITHOUT verifying it.")

    @Argument(help: "The token.")
    var token: String

    func run() throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]) else {
            throw TokenError(.malformed, "token is not three parts of strict base64url")
        }
        let payloadValue = (try? JSONValue.parse(payload)) ?? .string(String(decoding: payload, as: UTF8.self))
        let document = JSONValue.object(
            JSONObject([
                .init(name: "verified", value: .bool(false)),
                .init(name: "header", value: try JSONValue.parse(header)),
                .init(name: "payload", value: payloadValue),
            ]))
        Output.error("note: decoded only; the signature and claims were NOT verified")
        print(document.jsonText)
    }
}

struct VerifyJWS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-jws", abstract: "Check only the signature layer of a JWS; print its payload.")

    @Option(help: "Public key file: a JWK or a JWKS.")
    var jwk: String

    @Argument(help: "The JWS, compact serialization.")
    var token: String

    func run() throws {
        Output.write(try JWSVerifier.verify(token, keys: try KeyFiles.keySet(at: jwk)))
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an access token against every rule of the contract; print its claims.")

    @Option(help: "Public keys file: a JWKS (or a single JWK).")
    var jwks: String

    @Option(help: "The issuer iss must equal.")
    var issuer: String

    @Option(help: "The audience aud must contain.")
    var audience: String

    @Option(help: "Clock-skew leeway in seconds, 0 to 60.")
    var leeway: Double = 30

    @Argument(help: "The access token.")
    var token: String

    func validate() throws {
        guard (0...ValidationPolicy.maximumLeeway).contains(leeway) else {
            throw ValidationError("--leeway must be between 0 and 60 seconds")
        }
    }

    func run() throws {
        let policy = try ValidationPolicy(issuer: issuer, audience: audience, leeway: leeway)
        let verifier = AccessTokenVerifier(policy: policy, keys: KeyDirectory(try KeyFiles.keySet(at: jwks)), cacheCapacity: 0)
        _ = try verifier.verify(token)
        let payload = try JWSVerifier.verify(token, keys: verifier.keys.keys)
        Output.write(payload)
    }
}
