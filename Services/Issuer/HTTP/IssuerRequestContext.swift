import Hummingbird
import NIOCore
import ServiceKit
import TokenKit

/// The issuer's request context: ServiceKit's verified identity (for the Bearer routes) plus
/// the peer address of the connection, which the login rate limit counts by. ServiceKit's
/// `AuthRequestContext` does not keep the address, so the issuer has this one.
struct IssuerRequestContext: AuthenticatedRequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: AccessTokenClaims?
    /// The TCP peer; nil in in-process router tests.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        remoteAddress = source.channel.remoteAddress
    }
}
