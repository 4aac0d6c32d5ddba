import BearerAuth
import Hummingbird
import Revocation
import ServiceKit
import TokenKit

/// What the router needs: everything that verifies a token, and the operational routes' state.
struct ResourceComponents: Sendable {
    var verifier: AccessTokenVerifier
    var challenge: BearerChallenge
    var refreshKeys: (@Sendable () async -> Bool)?
    /// The in-memory revocation set: protected routes answer 503 until it is complete.
    var revocations: RevocationSet?
    var operational: OperationalRoutes<AuthRequestContext>
    /// Browser origins answered with CORS headers (`ALLOWED_ORIGINS`).
    var allowedOrigins: Set<String> = []
}

/// The resource service's router: `/api/…` behind local bearer verification, and `/healthz`,
/// `/readyz`, `/metrics`; CORS for the allowed origins on every answer, errors included.
func buildRouter(_ components: ResourceComponents) -> Router<AuthRequestContext> {
    let router = Router(context: AuthRequestContext.self)
    // One stack built by Hummingbird's result builder: one layer of its middleware chain instead
    // of one per middleware. CORS for bearer tokens only, never cookies: no credentials.
    router.addMiddleware {
        RequestObservation()
        AllowedOriginsCORS(allowedOrigins: components.allowedOrigins, methods: [.get], allowCredentials: false)
    }
    components.operational.addRoutes(to: router)
    let authentication = BearerAuthMiddleware<AuthRequestContext>(
        verifier: components.verifier, challenge: components.challenge, refreshKeys: components.refreshKeys,
        revocations: components.revocations)
    APIController(authentication: authentication, challenge: components.challenge).addRoutes(to: router)
    return router
}
