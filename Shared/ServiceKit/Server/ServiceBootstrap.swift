import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOSSL
import Prometheus

/// What every service does before it serves: read its settings (answering `--help`), install
/// JSON logging and the Prometheus metrics backend, and choose HTTP or HTTPS.
public struct ServiceBootstrap: Sendable {
    /// The service's settings.
    public let settings: Settings
    /// Where and how it listens.
    public let server: ServerSettings
    /// The metrics registry `/metrics` reads.
    public let registry: PrometheusCollectorRegistry
    /// The service's logger.
    public let logger: Logger

    /// Reads the settings from the process's arguments and environment. Prints `--help` and
    /// exits 0, or prints the problem and exits 2 when a setting is invalid.
    public static func start(program: String, summary: String, defaultPort: Int, settings declared: [Setting]) -> ServiceBootstrap {
        let all = ServerSettings.declared(defaultPort: defaultPort) + declared
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            print(Settings.helpText(program: program, summary: summary, settings: all))
            exit(0)
        }
        do {
            return try ServiceBootstrap(
                program: program, declared: all, arguments: arguments, environment: ProcessInfo.processInfo.environment,
                defaultPort: defaultPort)
        } catch {
            FileHandle.standardError.write(Data("\(program): \(error)\n".utf8))
            exit(2)
        }
    }

    /// Starts a service: reads its settings as ``start(program:summary:defaultPort:settings:)``
    /// does, builds its application with `build` and runs it until shutdown. A setting that
    /// `build` refuses (``Settings/Invalid``) is printed and ends the process with status 2.
    public static func serve(
        program: String, summary: String, defaultPort: Int, settings declared: [Setting],
        build: (ServiceBootstrap) throws -> some ApplicationProtocol
    ) async throws {
        let bootstrap = start(program: program, summary: summary, defaultPort: defaultPort, settings: declared)
        do {
            try await build(bootstrap).runService()
        } catch let error as Settings.Invalid {
            FileHandle.standardError.write(Data("\(program): \(error)\n".utf8))
            exit(2)
        }
    }

    init(program: String, declared: [Setting], arguments: [String], environment: [String: String], defaultPort: Int) throws {
        settings = try Settings(declared, arguments: arguments, environment: environment)
        server = try ServerSettings(settings, defaultPort: defaultPort)
        JSONLogHandler.bootstrap(level: Logger.Level(rawValue: server.logLevel) ?? .info)
        registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        logger = Logger(label: program)
    }

    /// HTTP/1.1, or HTTPS (with `Strict-Transport-Security` on every answer) when `--tls-cert`
    /// and `--tls-key` are set; either way with ``HTTPHardening`` (431 for oversized headers).
    /// - Throws: when the certificate or key cannot be read.
    public func httpServer() throws -> HTTPServerBuilder {
        guard let tls = server.tls else { return .hardenedHTTP1() }
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
        return try .tls(
            .hardenedHTTP1(hsts: HTTPHardening.strictTransportSecurity),
            tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    }

    /// The application configuration: address and server name.
    public func configuration(name: String) -> ApplicationConfiguration {
        ApplicationConfiguration(address: .hostname(server.host, port: server.port), serverName: name)
    }
}
