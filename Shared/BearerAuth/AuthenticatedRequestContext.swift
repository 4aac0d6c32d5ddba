import Hummingbird
import ServiceKit
import TokenKit

/// A service's request context that ``BearerAuthMiddleware`` can hand a verified token to.
/// Routes never read it: they sit in a group made by
/// ``Hummingbird/RouterMethods/authenticated(_:by:)`` and get a ``VerifiedRequestContext``.
public protocol BearerAuthenticatable: RequestContext {
    /// The claims the middleware verified; nil before it ran.
    var verifiedClaims: AccessTokenClaims? { get set }
}

/// The context of routes behind the bearer middleware: the identity is always there.
public protocol IdentifiedRequestContext: RequestContext {
    /// The verified access token's claims.
    var identity: AccessTokenClaims { get }
}

/// The context every route behind ``BearerAuthMiddleware`` gets, made from the service's own
/// context once the middleware has verified the token (Hummingbird's child contexts, as
/// hummingbird-auth's authenticated contexts are).
public struct VerifiedRequestContext<Parent: BearerAuthenticatable>: ChildRequestContext, IdentifiedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let identity: AccessTokenClaims
    /// The service's own context, for what it carries besides the identity.
    public let parent: Parent

    /// Takes the identity the middleware put into `context`.
    /// - Throws: 401 with a bare challenge when no middleware ran before (a routing mistake).
    public init(context: Parent) throws {
        guard let identity = context.verifiedClaims else {
            throw APIError(.unauthorized, "invalid_token", "a bearer token is required", headers: [.wwwAuthenticate: "Bearer"])
        }
        coreContext = context.coreContext
        self.identity = identity
        parent = context
    }
}

/// The request context of a service whose only extra is the verified token (the resource).
public struct AuthRequestContext: BearerAuthenticatable {
    public var coreContext: CoreRequestContextStorage
    public var verifiedClaims: AccessTokenClaims?

    public init(source: Source) {
        coreContext = .init(source: source)
        verifiedClaims = nil
    }
}

extension RouterMethods where Context: BearerAuthenticatable {
    /// A group whose routes need a valid bearer token: `middleware` verifies it first, and the
    /// routes get a ``VerifiedRequestContext`` whose identity cannot be missing.
    public func authenticated(
        _ path: RouterPath = "", by middleware: BearerAuthMiddleware<Context>
    ) -> RouterGroup<VerifiedRequestContext<Context>> {
        group(path).add(middleware: middleware).group(context: VerifiedRequestContext<Context>.self)
    }
}
