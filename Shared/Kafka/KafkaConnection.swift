/// Where a client finds the brokers and how it authenticates: what producers, consumers and
/// admins share. Each client's configuration holds one and adds its own properties.
public struct KafkaConnection: Sendable {
    /// Brokers to bootstrap from, as `host:port`.
    /// Default: `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    /// The client id the broker sees (`client.id`).
    /// Default: `"token-infra"`.
    public var clientID: String
    /// TLS and SASL (`security.protocol` and friends).
    /// Default: plaintext, no authentication.
    public var security: KafkaSecurity
    /// More librdkafka properties, applied after every other property of the client (for
    /// example TLS settings).
    /// Default: none.
    public var additionalProperties: [String: String]

    /// Creates a connection with the defaults above.
    public init(
        bootstrapServers: [String] = ["127.0.0.1:9092"], clientID: String = "token-infra",
        security: KafkaSecurity = KafkaSecurity()
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.security = security
        additionalProperties = [:]
    }

    /// The same connection under another `client.id`: one per client of a service, so that the
    /// broker's logs tell them apart.
    public func named(_ clientID: String) -> KafkaConnection {
        var connection = self
        connection.clientID = clientID
        return connection
    }

    /// The properties of the connection alone (what a probe of the broker needs).
    var properties: [String: String] {
        withClientProperties([:])
    }

    /// `clientProperties` on top of the connection's, and ``additionalProperties`` on top of both.
    func withClientProperties(_ clientProperties: [String: String]) -> [String: String] {
        ["bootstrap.servers": bootstrapServers.joined(separator: ","), "client.id": clientID]
            .merging(security.properties) { _, secure in secure }
            .merging(clientProperties) { _, specific in specific }
            .merging(additionalProperties) { _, extra in extra }
    }
}
