import ServiceKit

/// The resource service's settings beyond the common ones (docs/RESOURCE.md).
enum ResourceSettings {
    /// `--jwks-url` / `JWKS_URL`.
    static let jwksURL = Setting(
        "jwks-url", env: "JWKS_URL", default: "http://127.0.0.1:8081/.well-known/jwks.json",
        help: "JWKS fetched when a token names a kid the key events have not brought yet.")
    /// `--jwks-refresh-cooldown` / `JWKS_REFRESH_COOLDOWN`.
    static let jwksRefreshCooldown = Setting(
        "jwks-refresh-cooldown", env: "JWKS_REFRESH_COOLDOWN", default: "5s",
        help: "Shortest time between two JWKS fetches, whatever the number of unknown kids.")
    /// `--token-cache-size` / `TOKEN_CACHE_SIZE`.
    static let tokenCacheSize = Setting(
        "token-cache-size", env: "TOKEN_CACHE_SIZE", default: "100000",
        help: "Verified tokens remembered (by SHA-256) to skip repeated signature checks; 0 turns the cache off.")
    /// `--realm` / `REALM`.
    static let realm = Setting("realm", env: "REALM", default: "resource", help: "The realm in WWW-Authenticate challenges.")
    /// `--allowed-origins` / `ALLOWED_ORIGINS`.
    static let allowedOrigins = Setting(
        "allowed-origins", env: "ALLOWED_ORIGINS", default: "",
        help: "Comma-separated browser origins answered with CORS headers (no credentials); empty: none.")

    /// Every setting `--help` lists, after host, port, TLS and log level.
    static let declared: [Setting] = own + TransportSettings.kafka + TransportSettings.redis
    private static let own: [Setting] = [
        SharedSettings.issuerURL, SharedSettings.audience, SharedSettings.leeway, SharedSettings.kafkaBrokers,
        SharedSettings.keysTopic, SharedSettings.revocationsTopic, SharedSettings.eventKeys, SharedSettings.accessTokenTTL,
        SharedSettings.redisURL, jwksURL, jwksRefreshCooldown, tokenCacheSize, realm, allowedOrigins,
    ]
}
