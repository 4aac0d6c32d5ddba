import Foundation
import Hummingbird
import Logging
import ServiceKit

/// `issuer` serves; `issuer user …` manages users, `issuer record-key rotate` the record MAC key,
/// `issuer keys list|revoke` the signing keys offline (docs/ISSUER.md).
@main
enum IssuerMain {
    static let summary =
        "authenticates users, signs access tokens, rotates signing keys, keeps refresh sessions, announces key and revocation events. "
        + "Also: issuer user add|passwd|set-roles|disable|enable|delete … (issuer user --help), "
        + "issuer record-key rotate, issuer keys list|revoke KID."

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "keys" {
            await KeysCommand.main(Array(arguments.dropFirst()))
            exit(0)
        }
        if arguments.first == "user" {
            exit(await UserCommand.run(Array(arguments.dropFirst())))
        }
        if arguments.first == "record-key" {
            exit(RecordKeyCommand.run(Array(arguments.dropFirst())))
        }
        let bootstrap = ServiceBootstrap.start(program: "issuer", summary: summary, defaultPort: 8080, settings: IssuerSettings.declared)
        let settings: IssuerSettings
        do {
            settings = try IssuerSettings(bootstrap.settings)
        } catch {
            FileHandle.standardError.write(Data("issuer: \(error)\n".utf8))
            exit(2)
        }
        let users: SQLiteUserStore
        do {
            users = try await SQLiteUserStore.open(path: settings.userDatabase, logger: bootstrap.logger)
        } catch {
            bootstrap.logger.critical("cannot open the user store", metadata: ["error": "\(error)"])
            exit(1)
        }
        do {
            let (app, _) = try await IssuerApplication.build(
                settings: settings, users: users, registry: bootstrap.registry, logger: bootstrap.logger,
                server: try bootstrap.httpServer())
            try await app.runService()
            // SQLite connections must be closed before they are released.
            await users.close()
        } catch {
            bootstrap.logger.critical("issuer stopped", metadata: ["error": "\(error)"])
            await users.close()
            exit(1)
        }
    }
}
