import BearerAuth
import Foundation
import Hummingbird
import HummingbirdCore
import Kafka
import Logging
import Prometheus
import Redis
import ServiceKit
import ServiceLifecycle
import TokenKit

/// Everything the issuer is made of, built from its settings (tests reach into it).
struct IssuerComponents: Sendable {
    let settings: IssuerSettings
    // The stores.
    let redis: RedisClient, sessions: SessionStore, limiter: LoginRateLimiter, users: any UserStore
    // Keys and events.
    let keys: SigningKeys, publisher: EventPublisher, announcer: KeyAnnouncer, revoker: Revoker
    // What requests use besides.
    let readiness: Readiness, hasher: PasswordHasher, verifier: AccessTokenVerifier
}

enum IssuerApplication {
    /// Builds the issuer: stores, keys, event publishing, routes and background services.
    /// - Parameters:
    ///   - users: the user store (the SQLite one in production).
    ///   - publisher: wraps the Kafka publisher, for tests that watch deliveries.
    /// - Throws: when the keystore, Redis URL or Kafka configuration cannot be used.
    static func build(
        settings: IssuerSettings, users: any UserStore, registry: PrometheusCollectorRegistry, logger: Logger,
        server: HTTPServerBuilder = .http1(),
        wrapPublisher: @Sendable (EventPublisher) -> any EventPublishing = { $0 }
    ) async throws -> (some ApplicationProtocol, IssuerComponents) {
        let readiness = Readiness()
        readiness.require("keys", reason: "keystore not loaded")
        let keys = try await SigningKeys.open(
            store: KeyStore(directory: settings.keystoreDirectory), algorithm: settings.signingAlgorithm,
            publishLead: settings.keyPublishLead, retention: settings.keyRetention, keepRevokedFor: settings.keyAnnouncementTTL,
            now: Date().timeIntervalSince1970)
        let recordKeys = try KeyStore(directory: settings.keystoreDirectory).loadOrCreateRecordKeys(now: Date().timeIntervalSince1970)
        readiness.satisfy("keys")

        var redisConfiguration = settings.redis
        redisConfiguration.commandTimeout = RedisCall.commandTimeout
        let redis = try RedisClient(configuration: redisConfiguration)
        let (kafkaPublisher, producer) = try EventPublisher.make(
            settings: settings, clientID: "issuer", linger: settings.kafkaLinger, logger: logger)
        // Every event leaves signed with the event key; the key and the topics never see it unsigned.
        let publisher = SigningPublisher(
            inner: wrapPublisher(kafkaPublisher),
            key: try KeyStore(directory: settings.keystoreDirectory).eventSigningKey())
        let announcer = KeyAnnouncer(
            keys: keys, publisher: publisher, topic: settings.keysTopic, issuer: settings.issuerURL,
            interval: settings.keyAnnounceInterval, validity: settings.keyAnnouncementTTL, logger: logger)
        let rotation = KeyRotationService(keys: keys, announcer: announcer, interval: settings.keyRotationInterval, logger: logger)
        let monitor = DependencyMonitor(readiness: readiness, redis: redis, publisher: kafkaPublisher, logger: logger)

        // The dummy hash for unknown users costs what the stored hashes cost.
        let hasher = try await PasswordHasher.make(
            cost: settings.bcryptCost, dummyCost: try await users.prevailingHashCost() ?? settings.bcryptCost,
            concurrency: settings.passwordHashConcurrency)
        let policy = try ValidationPolicy(issuer: settings.issuerURL, audience: settings.audience, leeway: settings.leeway.seconds)
        let verifier = AccessTokenVerifier(policy: policy, keys: keys.directory, cacheCapacity: 10_000)
        let components = IssuerComponents(
            settings: settings, redis: redis,
            sessions: SessionStore(
                redis: redis, authenticator: try RecordAuthenticator(ring: recordKeys), idleLifetime: settings.refreshTokenTTL,
                maximumAge: settings.sessionMaxAge,
                reuseGrace: settings.refreshReuseGrace),
            limiter: LoginRateLimiter(redis: redis, limit: settings.loginRateLimit, window: settings.loginRateWindow), users: users,
            keys: keys, publisher: kafkaPublisher, announcer: announcer,
            revoker: Revoker(
                redis: redis, publisher: publisher, topic: settings.revocationsTopic, issuer: settings.issuerURL,
                accessTokenTTL: settings.accessTokenTTL,
                leeway: settings.leeway, deliveryWait: .milliseconds(250)),
            readiness: readiness, hasher: hasher, verifier: verifier)

        let router = buildRouter(components, registry: registry)
        let app = Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(settings.server.host, port: settings.server.port), serverName: "issuer"),
            // Stopped in reverse order after the server: the rotation and announcer first, then
            // the producer (flushing), the publisher, and Redis last.
            services: [
                redis, kafkaPublisher, producer, announcer, rotation, monitor, OutboxDrain(revoker: components.revoker, logger: logger),
            ],
            logger: logger)
        return (app, components)
    }

    static func buildRouter(_ components: IssuerComponents, registry: PrometheusCollectorRegistry) -> Router<IssuerRequestContext> {
        let settings = components.settings
        let router = Router(context: IssuerRequestContext.self)
        // Requests by route and status (hb_requests…) and a debug line per request; neither
        // records headers or bodies, so no token or password reaches them. Every 5xx leaves a
        // warning and a counter by reason (RequestObservation).
        router.add(middleware: RequestObservation())
        OperationalRoutes<IssuerRequestContext>(readiness: components.readiness, registry: registry).addRoutes(to: router)
        DiscoveryController(issuer: settings.issuerURL, jwksURL: settings.jwksURL).addRoutes(to: router)

        let challenge = BearerChallenge(realm: settings.issuerURL)
        let bearer = BearerRoutes(
            verify: BearerAuthMiddleware(verifier: components.verifier, challenge: challenge),
            notRevoked: RevokedTokenGuard(redis: components.redis, challenge: challenge))
        AuthController(
            users: components.users, hasher: components.hasher, limiter: components.limiter, sessions: components.sessions,
            revoker: components.revoker,
            minter: TokenMinter(
                keys: components.keys, issuer: settings.issuerURL, audience: settings.audience, lifetime: settings.accessTokenTTL),
            csrf: CSRFGuard(allowedOrigins: settings.allowedOrigins), verifier: components.verifier,
            trustedProxies: settings.trustedProxies, cookie: settings.refreshCookie
        ).addRoutes(
            to: router.group("auth").add(
                middleware: AllowedOriginsCORS(allowedOrigins: settings.allowedOrigins, methods: [.post], allowCredentials: true)),
            bearer: bearer)
        AdminController(keys: components.keys, announcer: components.announcer).addRoutes(
            to: bearer.group("admin", in: router).add(middleware: RoleRequirement("admin", challenge: challenge)))
        return router
    }
}

/// The issuer's bearer routes: the token verified, then checked against Redis's revocations.
struct BearerRoutes: Sendable {
    let verify: BearerAuthMiddleware<IssuerRequestContext>
    let notRevoked: RevokedTokenGuard<IssuerVerifiedContext>

    /// A group at `path` of `parent` whose routes get the verified identity.
    func group(_ path: RouterPath, in parent: some RouterMethods<IssuerRequestContext>) -> RouterGroup<IssuerVerifiedContext> {
        parent.authenticated(path, by: verify).add(middleware: notRevoked)
    }
}
