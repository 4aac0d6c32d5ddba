import AuthEvents
import BearerAuth
import Foundation
import Hummingbird
import Kafka
import KeyDistribution
import Redis
import Revocation
import ServiceKit
import TokenKit

/// `resource`: the sample protected API (docs/RESOURCE.md).
@main
struct ResourceService {
    static func main() async throws {
        try await ServiceBootstrap.serve(
            program: "resource", summary: "a sample API that verifies every access token locally", defaultPort: 8082,
            settings: ResourceSettings.declared, build: buildApplication)
    }
}

/// The application: the router, and the key and revocation feeds as services that start before
/// the server and stop after it.
/// - Throws: ``Settings/Invalid`` for a setting that cannot be used; errors reading TLS files.
func buildApplication(_ bootstrap: ServiceBootstrap) throws -> some ApplicationProtocol {
    let settings = bootstrap.settings, logger = bootstrap.logger
    let issuer = try settings.string(SharedSettings.issuerURL)
    let leeway = try settings.duration(SharedSettings.leeway, in: .zero ... .seconds(60)).seconds
    let policy: ValidationPolicy
    do {
        policy = try ValidationPolicy(issuer: issuer, audience: settings.string(SharedSettings.audience), leeway: leeway)
    } catch let error as TokenError {
        throw Settings.Invalid(error.reason)
    }
    let eventKeys = try PinnedEventKeys.from(settings)
    let longestTokenLifetime = try settings.duration(SharedSettings.accessTokenTTL, in: .seconds(1) ... .seconds(86_400)).seconds
    guard let jwksURL = URL(string: try settings.string(ResourceSettings.jwksURL)), jwksURL.scheme?.hasPrefix("http") == true else {
        throw Settings.Invalid("--jwks-url (JWKS_URL) must be an http or https URL")
    }
    let redis: RedisClient
    do {
        redis = try RedisClient(configuration: settings.redisConfiguration())
    } catch let error as RedisError {
        throw Settings.Invalid("--redis-url (REDIS_URL): \(error.reason)")
    }
    let source = KafkaBroadcastSource(
        configuration: KafkaConsumerConfiguration(connection: try settings.kafkaConnection(clientID: "resource")), logger: logger)

    let readiness = Readiness()
    let catalog = KeyCatalog(issuer: issuer, leeway: leeway)
    let revocations = RevocationSet()
    let keyFeed = KeyFeed(
        catalog: catalog, keys: eventKeys, source: source, readiness: readiness,
        configuration: .init(topic: try settings.string(SharedSettings.keysTopic)), logger: logger)
    let revocationFeed = RevocationFeed(
        set: revocations, policy: RevocationPolicy(issuer: issuer, leeway: leeway, longestTokenLifetime: longestTokenLifetime),
        keys: eventKeys, source: source, snapshot: RedisRevocationSnapshot(redis: redis), readiness: readiness,
        configuration: .init(topic: try settings.string(SharedSettings.revocationsTopic)), logger: logger)
    let refresher = JWKSRefresher(
        url: jwksURL, cooldown: try settings.duration(ResourceSettings.jwksRefreshCooldown, in: .milliseconds(100) ... .seconds(3600)),
        catalog: catalog, logger: logger)
    let components = ResourceComponents(
        verifier: AccessTokenVerifier(
            policy: policy, keys: catalog.directory, revocations: revocations,
            cacheCapacity: try settings.integer(ResourceSettings.tokenCacheSize, in: 0...10_000_000)),
        challenge: BearerChallenge(realm: try settings.string(ResourceSettings.realm)),
        refreshKeys: { await refresher.refresh() }, revocations: revocations,
        operational: OperationalRoutes(readiness: readiness, registry: bootstrap.registry),
        allowedOrigins: Set(settings.list(ResourceSettings.allowedOrigins)))
    return Application(
        router: buildRouter(components), server: try bootstrap.httpServer(), configuration: bootstrap.configuration(name: "resource"),
        services: [keyFeed, revocationFeed], logger: logger)
}
