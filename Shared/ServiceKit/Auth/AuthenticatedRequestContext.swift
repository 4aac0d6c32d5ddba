import Hummingbird
import TokenKit

/// A request context that carries the verified identity established by
/// ``BearerAuthMiddleware``.
public protocol AuthenticatedRequestContext: RequestContext {
    /// The verified access token's claims; nil before authentication.
    var identity: AccessTokenClaims? { get set }
}

/// The request context of routes behind ``BearerAuthMiddleware``.
public struct AuthRequestContext: AuthenticatedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AccessTokenClaims?

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
    }
}
