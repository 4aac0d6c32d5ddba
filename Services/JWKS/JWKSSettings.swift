import ServiceKit

/// The JWKS service's settings beyond the common ones (docs/RESOURCE.md "jwks").
enum JWKSSettings {
    /// `--jwks-max-age` / `JWKS_MAX_AGE`.
    static let maxAge = Setting(
        "jwks-max-age", env: "JWKS_MAX_AGE", default: "30s",
        help: "Cache-Control max-age of the JWKS; keep it below the issuer's KEY_PUBLISH_LEAD (default 60s).")

    /// Every setting `--help` lists, after host, port, TLS and log level.
    static let declared: [Setting] =
        [
            SharedSettings.kafkaBrokers, SharedSettings.keysTopic, SharedSettings.eventKeys, SharedSettings.issuerURL,
            SharedSettings.leeway,
            maxAge,
        ] + TransportSettings.kafka
}
