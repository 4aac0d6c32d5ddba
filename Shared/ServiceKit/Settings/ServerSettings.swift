/// The settings every service has: where it listens, TLS and logging.
public struct ServerSettings: Sendable {
    /// `--host` / `HOST`.
    public static let host = Setting("host", env: "HOST", default: "127.0.0.1", help: "Address to listen on.")
    /// `--tls-cert` / `TLS_CERT`.
    public static let tlsCertificate = Setting(
        "tls-cert", env: "TLS_CERT", default: "", help: "PEM certificate chain; with --tls-key, serve HTTPS instead of HTTP.")
    /// `--tls-key` / `TLS_KEY`.
    public static let tlsKey = Setting("tls-key", env: "TLS_KEY", default: "", help: "PEM private key for --tls-cert.")
    /// `--log-level` / `LOG_LEVEL`.
    public static let logLevel = Setting(
        "log-level", env: "LOG_LEVEL", default: "info", help: "trace, debug, info, notice, warning, error or critical.")

    /// The common settings with this service's default port.
    public static func declared(defaultPort: Int) -> [Setting] {
        [host, port(defaultPort), tlsCertificate, tlsKey, logLevel]
    }

    static func port(_ defaultPort: Int) -> Setting {
        Setting("port", env: "PORT", default: String(defaultPort), help: "TCP port to listen on.")
    }

    /// Address to listen on.
    public var host: String
    /// TCP port to listen on.
    public var port: Int
    /// Certificate and key paths, when TLS is on.
    public var tls: (certificate: String, key: String)?
    /// The log level name.
    public var logLevel: String

    /// Reads the common settings.
    /// - Throws: ``Settings/Invalid``.
    public init(_ settings: Settings, defaultPort: Int) throws {
        host = try settings.string(Self.host)
        port = try settings.integer(Self.port(defaultPort), in: 0...65535)
        let certificate = settings.optionalString(Self.tlsCertificate), key = settings.optionalString(Self.tlsKey)
        switch (certificate, key) {
        case (let certificate?, let key?): tls = (certificate, key)
        case (nil, nil): tls = nil
        default: throw Settings.Invalid("--tls-cert and --tls-key go together")
        }
        logLevel = try settings.string(Self.logLevel)
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw Settings.Invalid("--log-level (LOG_LEVEL) must be one of trace, debug, info, notice, warning, error, critical")
        }
    }
}
