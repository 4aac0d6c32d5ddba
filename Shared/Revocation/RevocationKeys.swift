/// Where revocations live in Redis: one key per revocation, `revoked:<kind>:<value>`, holding
/// the event's JSON and expiring when the last token it affects has expired
/// (docs/REDIS-KEYS.md). The issuer writes them; resources load them at start-up.
public enum RevocationKeys {
    private static let prefix = "revoked:"

    /// The pattern every revocation key matches (`SCAN MATCH`, and the resources' Redis ACL).
    public static let pattern = prefix + "*"

    /// The issuer's outbox: revocations written to Redis whose events the broker has not yet
    /// acknowledged (a sorted set by time). Outside the revocation pattern, so snapshots and the
    /// resources' read-only ACL never see it.
    public static let outbox = "outbox:revocations"

    /// The key of one revocation.
    public static func key(_ target: RevocationEvent.Target) -> String {
        switch target {
        case .token(let id): prefix + "jti:" + id
        case .session(let id): prefix + "sid:" + id
        case .subject(let id, _): prefix + "sub:" + id
        }
    }
}

extension RevocationEvent.Target {
    /// The revoked value: a `jti`, a `sid` or a subject (the event's message key on the topic).
    public var value: String {
        switch self {
        case .token(let id), .session(let id), .subject(let id, _): id
        }
    }
}
