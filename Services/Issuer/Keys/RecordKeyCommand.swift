import ArgumentParser
import Foundation

/// `issuer record-key rotate`: a new key for the MACs on session records
/// (``RecordKeyRing``); restart every issuer instance afterwards (docs/ISSUER.md).
struct RecordKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-key", abstract: "Rotate the key that authenticates the issuer's session records in Redis.",
        subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new current key; keys replaced longer ago than SESSION_MAX_AGE are dropped.")
        @Option(name: .customLong("keystore-dir"), help: "The keystore folder (KEYSTORE_DIR).") var keystore: String?
        @Option(name: .customLong("session-max-age"), help: "SESSION_MAX_AGE.") var sessionMaxAge: String?

        func run() throws {
            var arguments: [String] = []
            if let keystore { arguments += ["--keystore-dir", keystore] }
            if let sessionMaxAge { arguments += ["--session-max-age", sessionMaxAge] }
            let settings: IssuerSettings
            do {
                settings = try IssuerSettings(environment: ProcessInfo.processInfo.environment, arguments: arguments)
            } catch {
                throw ValidationError("\(error)")
            }
            let store = KeyStore(directory: settings.keystoreDirectory)
            let now = Date().timeIntervalSince1970
            var ring = try store.loadOrCreateRecordKeys(now: now)
            ring.rotate(now: now, retention: settings.sessionMaxAge)
            try store.saveRecordKeys(ring)
            FileHandle.standardError.write(
                Data("issuer: record key \(ring.current) is current (\(ring.keys.count) kept); restart every issuer instance\n".utf8))
        }
    }

    /// Runs `issuer record-key ARGUMENTS…` and gives the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            FileHandle.standardError.write(Data("issuer: \(fullMessage(for: error))\n".utf8))
            return code == .validationFailure ? 2 : 1
        }
    }
}
