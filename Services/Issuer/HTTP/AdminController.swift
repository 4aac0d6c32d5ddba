import Foundation
import Hummingbird
import ServiceKit
import TokenKit

/// `POST /admin/keys/rotate` (role `admin`): starts a key rotation at once and answers the next
/// key's kid. The key is announced straight away and signs after `KEY_PUBLISH_LEAD`.
struct AdminController: Sendable {
    let keys: SigningKeys
    let announcer: KeyAnnouncer

    func addRoutes(to group: RouterGroup<IssuerVerifiedContext>) {
        group.post("keys/rotate") { _, context in try await rotate(context) }
        group.post("keys/:kid/revoke") { _, context in try await revoke(context) }
    }

    /// `POST /admin/keys/{kid}/revoke`: the key is removed now and announced so at once; every
    /// verifier refuses its tokens as soon as it hears, and a key they already know signs.
    func revoke(_ context: IssuerVerifiedContext) async throws -> Response {
        guard let kid = context.parameters.get("kid"), !kid.isEmpty, kid.utf8.count <= 256 else {
            throw APIError(.badRequest, "invalid_request", "a kid is required")
        }
        let signing: String
        do {
            signing = try await keys.revoke(kid, now: Date().timeIntervalSince1970)
        } catch let error as TokenError where error.code == .unknownKey {
            throw APIError(.notFound, "not_found", "no live key with that kid")
        } catch {
            context.logger.error("key revocation failed", metadata: ["kid": "\(kid)", "error": "\(error)"])
            throw APIError.unavailable("the key revocation failed")
        }
        context.logger.warning(
            "signing key revoked", metadata: ["kid": "\(kid)", "signing_kid": "\(signing)", "sub": "\(context.identity.subject)"])
        let announced = await announcer.announce(wait: .milliseconds(500))
        return Response.json(
            .object(
                JSONObject([
                    .init(name: "revoked", value: .string(kid)), .init(name: "kid", value: .string(signing)),
                    .init(name: "announced", value: .bool(announced)),
                ])))
    }

    func rotate(_ context: IssuerVerifiedContext) async throws -> Response {
        let kid: String
        do {
            kid = try await keys.rotate(now: Date().timeIntervalSince1970)
        } catch {
            context.logger.error("key rotation failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the key rotation failed")
        }
        context.logger.info("key rotation requested", metadata: ["next_kid": "\(kid)", "sub": "\(context.identity.subject)"])
        await announcer.announce(wait: .milliseconds(500))
        return Response.json(.object(JSONObject([.init(name: "kid", value: .string(kid))])))
    }
}

/// `GET /.well-known/openid-configuration`: where the keys are and what the issuer does.
struct DiscoveryController: Sendable {
    let issuer: String
    let jwksURL: String

    func addRoutes(to router: Router<IssuerRequestContext>) {
        let document = Response.json(
            .object(
                JSONObject([
                    .init(name: "issuer", value: .string(issuer)),
                    .init(name: "jwks_uri", value: .string(jwksURL)),
                    .init(name: "login_endpoint", value: .string(issuer + "/auth/login")),
                    .init(name: "refresh_endpoint", value: .string(issuer + "/auth/refresh")),
                    .init(name: "end_session_endpoint", value: .string(issuer + "/auth/logout")),
                    .init(name: "grant_types_supported", value: .array([.string("password"), .string("refresh_token")])),
                    .init(name: "response_types_supported", value: .array([.string("token")])),
                    .init(name: "subject_types_supported", value: .array([.string("public")])),
                    .init(name: "token_endpoint_auth_methods_supported", value: .array([.string("none")])),
                    .init(
                        name: "access_token_signing_alg_values_supported",
                        value: .array(SignatureAlgorithm.allCases.map { .string($0.rawValue) })),
                    .init(
                        name: "claims_supported",
                        value: .array(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "roles"].map(JSONValue.string))),
                ])), headers: [.cacheControl: "public, max-age=300"])
        router.get(".well-known/openid-configuration") { _, _ in document }
    }
}
