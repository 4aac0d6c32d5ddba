import AuthEvents
import Foundation
import Hummingbird
import Kafka
import KeyDistribution
import ServiceKit

/// `jwks`: the public signing keys announced on the key topic, as a JWKS (docs/RESOURCE.md).
@main
struct JWKSService {
    static func main() async throws {
        try await ServiceBootstrap.serve(
            program: "jwks", summary: "serves the public signing keys from the key events as a JWKS", defaultPort: 8081,
            settings: JWKSSettings.declared, build: buildApplication)
    }
}

/// The application: the router and the key feed, which starts before the server.
/// - Throws: ``Settings/Invalid`` for a setting that cannot be used; errors reading TLS files.
func buildApplication(_ bootstrap: ServiceBootstrap) throws -> some ApplicationProtocol {
    let settings = bootstrap.settings, logger = bootstrap.logger
    let maxAge = try settings.duration(JWKSSettings.maxAge, in: .zero ... .seconds(3600))
    let source = KafkaBroadcastSource(
        configuration: KafkaConsumerConfiguration(connection: try settings.kafkaConnection(clientID: "jwks")), logger: logger)
    let readiness = Readiness()
    let catalog = KeyCatalog(
        issuer: try settings.string(SharedSettings.issuerURL),
        leeway: try settings.duration(SharedSettings.leeway, in: .zero ... .seconds(60)).seconds)
    let keyFeed = KeyFeed(
        catalog: catalog, keys: try PinnedEventKeys.from(settings), source: source, readiness: readiness,
        configuration: .init(topic: try settings.string(SharedSettings.keysTopic)), logger: logger)
    let router = buildRouter(
        catalog: catalog, maxAge: maxAge, operational: OperationalRoutes(readiness: readiness, registry: bootstrap.registry))
    return Application(
        router: router, server: try bootstrap.httpServer(), configuration: bootstrap.configuration(name: "jwks"), services: [keyFeed],
        logger: logger)
}
