/// TLS to the Redis server (`rediss://`): whom to trust, and the client's own certificate
/// when the server asks for one.
///
/// hiredis verifies the server's chain against the CA but not its host name, so the CA should
/// be one that signs only Redis servers (as the dev cluster's and docker-compose's do).
public struct RedisTLSConfiguration: Sendable, Hashable {
    /// PEM file of the CA(s) that signed the server's certificate; `nil` uses the system's
    /// trust store.
    /// Default: `nil`.
    public var caFile: String?
    /// PEM file of the client certificate, for servers that require one (`tls-auth-clients`).
    /// Given together with ``keyFile``.
    /// Default: `nil`.
    public var certificateFile: String?
    /// PEM file of the client certificate's private key.
    /// Default: `nil`.
    public var keyFile: String?
    /// The name sent as SNI; `nil` sends the configured host.
    /// Default: `nil`.
    public var serverName: String?

    /// A configuration trusting `caFile` (or the system's store), without a client certificate.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }

    /// - Throws: `RedisError` `invalidConfiguration` when only one of certificate and key is given.
    func validate() throws {
        guard (certificateFile == nil) == (keyFile == nil) else {
            throw RedisError(
                .invalidConfiguration, command: nil,
                reason: "TLS: a client certificate needs its key and a key its certificate")
        }
    }
}
