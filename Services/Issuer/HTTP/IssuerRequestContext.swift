import BearerAuth
import Hummingbird
import NIOCore
import ServiceKit
import TokenKit

/// The issuer's request context: the peer address of the connection, which the login rate
/// limit counts by, and room for the bearer middleware's verified claims.
struct IssuerRequestContext: BearerAuthenticatable, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    var verifiedClaims: AccessTokenClaims?
    /// The TCP peer; nil in in-process router tests.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        verifiedClaims = nil
        remoteAddress = source.channel.remoteAddress
    }
}

/// The context of the issuer's bearer routes (logout-all, admin): the identity is there.
typealias IssuerVerifiedContext = VerifiedRequestContext<IssuerRequestContext>
