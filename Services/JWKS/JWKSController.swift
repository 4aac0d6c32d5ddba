import Foundation
import Hummingbird
import KeyDistribution
import ServiceKit
import TokenKit

/// `GET /.well-known/jwks.json`: every key the key events announced and that is not past its
/// removal, with a short public cache lifetime and an ETag for conditional requests.
struct JWKSController<Context: RequestContext> {
    let catalog: KeyCatalog
    /// `Cache-Control: max-age`. It must stay below the issuer's KEY_PUBLISH_LEAD (default
    /// 60 s), so that a cached copy always holds a key before tokens signed with it appear.
    let maxAge: Duration

    func addRoutes(to router: Router<Context>) {
        router.get(".well-known/jwks.json", use: jwks)
    }

    @Sendable func jwks(_ request: Request, context: Context) -> Response {
        let document = JWKSDocument(keys: catalog.publishedKeys(now: Date().timeIntervalSince1970))
        var headers: HTTPFields = [
            .cacheControl: "public, max-age=\(Int(maxAge.seconds))", .eTag: document.etag,
        ]
        if let condition = request.headers[.ifNoneMatch], document.matches(ifNoneMatch: condition) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
    }
}

/// The JWKS service's router: the JWKS and `/healthz`, `/readyz`, `/metrics`.
func buildRouter(catalog: KeyCatalog, maxAge: Duration, operational: OperationalRoutes<BasicRequestContext>) -> Router<BasicRequestContext>
{
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestObservation())
    operational.addRoutes(to: router)
    JWKSController(catalog: catalog, maxAge: maxAge).addRoutes(to: router)
    return router
}
