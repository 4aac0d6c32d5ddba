import Kafka
import NIOCore
import Redis
import ServiceKit
import TokenKit

/// Everything the issuer reads from its flags and environment, validated at start-up
/// (docs/ISSUER.md "Settings").
struct IssuerSettings: Sendable {
    /// Where the HTTP server listens and how (host, port, TLS, log level).
    var server: ServerSettings
    /// Kafka's brokers (default `127.0.0.1:9092`) with its TLS and SASL (TransportSettings;
    /// default plaintext), as client `issuer`.
    var kafka: KafkaConnection
    /// How long an event waits to share a produce request with others (`linger.ms`). Default:
    /// 20 ms: a logout storm then costs the broker one request per many events, not per event,
    /// and the delay comes before the issuer answers, not after (docs/BENCHMARKS.md: 5 ms gave
    /// 680–1,085 logouts/s under load on the dev cluster, 20 ms 1,091–1,097/s).
    var kafkaLinger: Duration
    /// Redis URL. Default: `redis://127.0.0.1:6379`.
    var redisURL: String
    /// Redis from `REDIS_URL` with its password file and TLS files (TransportSettings).
    var redis: RedisConfiguration
    /// The `iss` of every token. Default: `http://127.0.0.1:8080`.
    var issuerURL: String
    /// The `aud` of every token. Default: `api`.
    var audience: String
    /// Clock-skew leeway. Default: 30 s.
    var leeway: Duration
    /// Topic of key events. Default: `auth.keys`.
    var keysTopic: String
    /// Topic of revocation events. Default: `auth.revocations`.
    var revocationsTopic: String
    /// Access-token lifetime. Default: 900 s.
    var accessTokenTTL: Duration
    /// Published in the discovery document. Default: `http://127.0.0.1:8081/.well-known/jwks.json`.
    var jwksURL: String
    /// SQLite file of the user store. Default: `.run/dev/issuer/users.sqlite`.
    var userDatabase: String
    /// Folder of the private keys and the key ring. Default: `.run/dev/issuer/keys`.
    var keystoreDirectory: String
    /// Algorithm of new keys. Default: ES256.
    var signingAlgorithm: SignatureAlgorithm
    /// Time between scheduled rotations. Default: 24 h.
    var keyRotationInterval: Duration
    /// Time a new key is published before it signs. Default: 60 s.
    var keyPublishLead: Duration
    /// Time between re-announcements of the whole key set. Default: 30 s.
    var keyAnnounceInterval: Duration
    /// How long consumers may act on one key announcement (its `validUntil`). Default: 1 h.
    var keyAnnouncementTTL: Duration
    /// Idle lifetime of a refresh token. Default: 7 days.
    var refreshTokenTTL: Duration
    /// Absolute lifetime of a refresh session. Default: 30 days.
    var sessionMaxAge: Duration
    /// Window in which a spent refresh token gets the same successor again. Default: 10 s.
    var refreshReuseGrace: Duration
    /// Origins allowed on cookie requests. Default: none (only requests without `Origin`).
    var allowedOrigins: Set<String>
    /// Bcrypt cost of new password hashes. Default: 12, at least 10.
    var bcryptCost: Int
    /// Failed logins allowed per window, per username and per client address. Default: 5.
    var loginRateLimit: Int
    /// The window of ``loginRateLimit``. Default: 60 s.
    var loginRateWindow: Duration
    /// Proxy addresses whose `X-Forwarded-For` is believed. Default: none.
    var trustedProxies: Set<String>
    /// The refresh cookie's name. Default: `refresh_token` (`Path=/auth`); recommended in
    /// production: `__Host-refresh_token` (`Path=/`, cannot be tossed by a sibling subdomain).
    var refreshCookie: RefreshCookie
    /// Password checks that may run at once; beyond them login answers 503. Default: the core count.
    var passwordHashConcurrency: Int
}

extension IssuerSettings {
    static let jwksURL = Setting(
        "jwks-url", env: "JWKS_URL", default: "http://127.0.0.1:8081/.well-known/jwks.json",
        help: "The JWKS URL published as jwks_uri in /.well-known/openid-configuration.")
    static let userDatabase = Setting(
        "user-db", env: "USER_DB", default: ".run/dev/issuer/users.sqlite", help: "SQLite file of the user store.")
    static let keystoreDirectory = Setting(
        "keystore-dir", env: "KEYSTORE_DIR", default: ".run/dev/issuer/keys",
        help: "Folder of the private signing keys (mode 0600) and the key ring state.")
    static let kafkaLinger = Setting(
        "kafka-linger", env: "KAFKA_LINGER", default: "20ms",
        help: "How long an event waits to be batched with others before it is sent to Kafka (linger.ms).")
    static let signingAlgorithm = Setting(
        "signing-alg", env: "SIGNING_ALG", default: "ES256", help: "Algorithm of new signing keys: ES256 or RS256.")
    static let keyRotationInterval = Setting(
        "key-rotation-interval", env: "KEY_ROTATION_INTERVAL", default: "24h", help: "Time between scheduled key rotations.")
    static let keyPublishLead = Setting(
        "key-publish-lead", env: "KEY_PUBLISH_LEAD", default: "60s",
        help: "How long a new key is published before it signs, so every verifier has it.")
    static let keyAnnounceInterval = Setting(
        "key-announce-interval", env: "KEY_ANNOUNCE_INTERVAL", default: "30s",
        help: "Time between re-announcements of every live key on the keys topic.")
    static let keyAnnouncementTTL = Setting(
        "key-announcement-ttl", env: "KEY_ANNOUNCEMENT_TTL", default: "1h",
        help: "How long verifiers act on one key announcement; re-announcements renew it, and a replay older than this is ignored.")
    static let refreshTokenTTL = Setting(
        "refresh-token-ttl", env: "REFRESH_TOKEN_TTL", default: "7d", help: "Idle lifetime of a refresh token.")
    static let sessionMaxAge = Setting(
        "session-max-age", env: "SESSION_MAX_AGE", default: "30d", help: "Absolute lifetime of a refresh session.")
    static let refreshReuseGrace = Setting(
        "refresh-reuse-grace", env: "REFRESH_REUSE_GRACE", default: "10s",
        help: "A spent refresh token presented again within this window gets the same successor; later it revokes the session.")
    static let allowedOrigins = Setting(
        "allowed-origins", env: "ALLOWED_ORIGINS", default: "",
        help: "Comma-separated origins allowed on cookie requests (refresh, logout); empty: only requests without Origin.")
    static let bcryptCost = Setting(
        "bcrypt-cost", env: "BCRYPT_COST", default: "12", help: "Bcrypt cost of new password hashes (10...16).")
    static let loginRateLimit = Setting(
        "login-rate-limit", env: "LOGIN_RATE_LIMIT", default: "5",
        help: "Failed logins allowed per window, per username and per client address; then 429.")
    static let loginRateWindow = Setting(
        "login-rate-window", env: "LOGIN_RATE_WINDOW", default: "60s", help: "The window of LOGIN_RATE_LIMIT.")
    static let trustedProxies = Setting(
        "trusted-proxies", env: "TRUSTED_PROXIES", default: "",
        help: "Comma-separated proxy IP addresses whose X-Forwarded-For names the client; empty: X-Forwarded-For is ignored.")

    static let refreshCookieName = Setting(
        "refresh-cookie-name", env: "REFRESH_COOKIE_NAME", default: "refresh_token",
        help: "Name of the refresh cookie; __Host-refresh_token (Path=/) is the recommended production choice.")
    static let passwordHashConcurrency = Setting(
        "password-hash-concurrency", env: "PASSWORD_HASH_CONCURRENCY", default: "0",
        help: "Password checks that may run at once (0: the core count); beyond them login answers 503 with Retry-After.")

    /// The issuer's own settings, after the shared ones.
    static let declared: [Setting] = own + TransportSettings.kafka + TransportSettings.redis
    private static let own: [Setting] = [
        SharedSettings.kafkaBrokers, kafkaLinger, SharedSettings.redisURL, SharedSettings.issuerURL, SharedSettings.audience,
        SharedSettings.leeway, SharedSettings.keysTopic, SharedSettings.revocationsTopic, SharedSettings.accessTokenTTL,
        jwksURL, userDatabase, keystoreDirectory, signingAlgorithm, keyRotationInterval, keyPublishLead, keyAnnounceInterval,
        keyAnnouncementTTL,
        refreshTokenTTL, sessionMaxAge, refreshReuseGrace, allowedOrigins, bcryptCost, loginRateLimit, loginRateWindow,
        trustedProxies, refreshCookieName, passwordHashConcurrency,
    ]

    /// Reads and validates every setting.
    /// - Throws: ``Settings/Invalid`` naming the flag, the variable and the problem.
    init(_ settings: Settings, defaultPort: Int = 8080) throws {
        server = try ServerSettings(settings, defaultPort: defaultPort)
        kafka = try settings.kafkaConnection(clientID: "issuer")
        kafkaLinger = try settings.duration(Self.kafkaLinger, in: .zero ... .seconds(1))
        redisURL = try settings.string(SharedSettings.redisURL)
        redis = try settings.redisConfiguration()
        issuerURL = try settings.string(SharedSettings.issuerURL)
        audience = try settings.string(SharedSettings.audience)
        leeway = try settings.duration(SharedSettings.leeway, in: .zero ... .seconds(60))
        keysTopic = try settings.string(SharedSettings.keysTopic)
        revocationsTopic = try settings.string(SharedSettings.revocationsTopic)
        accessTokenTTL = try settings.duration(SharedSettings.accessTokenTTL, in: .seconds(1) ... .seconds(86_400))
        jwksURL = try settings.string(Self.jwksURL)
        userDatabase = try settings.string(Self.userDatabase)
        keystoreDirectory = try settings.string(Self.keystoreDirectory)
        guard let algorithm = SignatureAlgorithm(rawValue: try settings.string(Self.signingAlgorithm).uppercased()) else {
            throw SettingError("--signing-alg (SIGNING_ALG) must be ES256 or RS256")
        }
        signingAlgorithm = algorithm
        keyRotationInterval = try settings.duration(Self.keyRotationInterval, in: .seconds(1) ... .seconds(365 * 86_400))
        keyPublishLead = try settings.duration(Self.keyPublishLead, in: .zero ... .seconds(86_400))
        keyAnnounceInterval = try settings.duration(Self.keyAnnounceInterval, in: .milliseconds(100) ... .seconds(86_400))
        keyAnnouncementTTL = try settings.duration(Self.keyAnnouncementTTL, in: .seconds(1) ... .seconds(86_400))
        guard keyAnnouncementTTL > keyAnnounceInterval * 2 else {
            throw SettingError("--key-announcement-ttl (KEY_ANNOUNCEMENT_TTL) must be more than twice KEY_ANNOUNCE_INTERVAL")
        }
        refreshTokenTTL = try settings.duration(Self.refreshTokenTTL, in: .seconds(1) ... .seconds(365 * 86_400))
        sessionMaxAge = try settings.duration(Self.sessionMaxAge, in: .seconds(1) ... .seconds(3650 * 86_400))
        refreshReuseGrace = try settings.duration(Self.refreshReuseGrace, in: .milliseconds(1) ... .seconds(300))
        allowedOrigins = Set(settings.list(Self.allowedOrigins))
        bcryptCost = try settings.integer(Self.bcryptCost, in: 10...16)
        loginRateLimit = try settings.integer(Self.loginRateLimit, in: 1...1_000_000)
        loginRateWindow = try settings.duration(Self.loginRateWindow, in: .seconds(1) ... .seconds(86_400))
        trustedProxies = Set(settings.list(Self.trustedProxies))
        refreshCookie = try RefreshCookie(name: try settings.string(Self.refreshCookieName))
        let concurrency = try settings.integer(Self.passwordHashConcurrency, in: 0...4096)
        passwordHashConcurrency = concurrency == 0 ? System.coreCount : concurrency
        guard keyRotationInterval > keyPublishLead else {
            throw SettingError("--key-rotation-interval must be longer than --key-publish-lead")
        }
    }

    /// Reads the settings from an environment alone (tests, `issuer user add`).
    /// - Throws: ``Settings/Invalid`` or ``SettingError``.
    init(environment: [String: String], arguments: [String] = []) throws {
        try self.init(
            Settings(ServerSettings.declared(defaultPort: 8080) + Self.declared, arguments: arguments, environment: environment))
    }

    /// How long a retired key stays accepted: the longest access-token lifetime plus leeway.
    var keyRetention: Duration { accessTokenTTL + leeway }
}

/// A setting that parses but makes no sense (ServiceKit's `Settings.Invalid` has no public
/// initialiser, so the issuer's own cross-checks use this).
struct SettingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
