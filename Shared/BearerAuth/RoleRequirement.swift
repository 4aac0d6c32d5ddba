import Hummingbird
import ServiceKit

/// Lets a request through only when its verified token holds a role; 403
/// `insufficient_scope` otherwise.
public struct RoleRequirement<Context: IdentifiedRequestContext>: RouterMiddleware {
    let role: String
    let challenge: BearerChallenge

    /// Requires `role`.
    public init(_ role: String, challenge: BearerChallenge) {
        self.role = role
        self.challenge = challenge
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity.roles.contains(role) else { throw challenge.insufficientScope(role: role) }
        return try await next(request, context)
    }
}
