/// Settings more than one service reads, with one name each (CONTRACT.md "Processes").
public enum SharedSettings {
    /// `--kafka-brokers` / `KAFKA_BROKERS`.
    public static let kafkaBrokers = Setting(
        "kafka-brokers", env: "KAFKA_BROKERS", default: "127.0.0.1:9092", help: "Comma-separated Kafka bootstrap servers.")
    /// `--redis-url` / `REDIS_URL`.
    public static let redisURL = Setting("redis-url", env: "REDIS_URL", default: "redis://127.0.0.1:6379", help: "Redis URL.")
    /// `--issuer-url` / `ISSUER_URL`.
    public static let issuerURL = Setting(
        "issuer-url", env: "ISSUER_URL", default: "http://127.0.0.1:8080", help: "The issuer's URL: the iss of every token.")
    /// `--audience` / `AUDIENCE`.
    public static let audience = Setting("audience", env: "AUDIENCE", default: "api", help: "The aud access tokens are issued for.")
    /// `--leeway` / `LEEWAY`.
    public static let leeway = Setting(
        "leeway", env: "LEEWAY", default: "30s", help: "Clock-skew leeway for exp, nbf and iat; at most 60s.")
    /// `--keys-topic` / `KEYS_TOPIC`.
    public static let keysTopic = Setting("keys-topic", env: "KEYS_TOPIC", default: "auth.keys", help: "Kafka topic of key events.")
    /// `--revocations-topic` / `REVOCATIONS_TOPIC`.
    public static let revocationsTopic = Setting(
        "revocations-topic", env: "REVOCATIONS_TOPIC", default: "auth.revocations", help: "Kafka topic of revocation events.")
    /// `--event-keys` / `EVENT_KEYS`: required by every consumer of the topics.
    public static let eventKeys = Setting(
        "event-keys", env: "EVENT_KEYS", default: nil,
        help: "The issuer's public event key(s): a JWK, or a JWKS of two during a rollover; inline JSON or a file path. "
            + "Events not signed by one of them are refused.")
    /// `--access-token-ttl` / `ACCESS_TOKEN_TTL`.
    public static let accessTokenTTL = Setting(
        "access-token-ttl", env: "ACCESS_TOKEN_TTL", default: "900s", help: "Lifetime of access tokens.")
}
