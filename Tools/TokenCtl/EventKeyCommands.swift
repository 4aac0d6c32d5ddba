import ArgumentParser
import AuthEvents
import Foundation
import TokenKit

/// `tokenctl event-key`: the Ed25519 key that signs the issuer's events (docs/EVENTS.md).
struct EventKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-key",
        abstract: "Create an event-signing key, or print the public half of one (what consumers pin in EVENT_KEYS).",
        subcommands: [Create.self, Public.self])

    /// `tokenctl event-key create --out FILE`.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new private Ed25519 event key (mode 0600) and print its public JWK.")

        @Option(help: "Where the private key goes; an existing file is never overwritten.")
        var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw InputFailure(message: "\(out) exists already") }
            let key = EventSigningKey.generate()
            let data = Data(JSONValue.object(key.privateJWK).jsonText.utf8)
            guard FileManager.default.createFile(atPath: out, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw InputFailure(message: "cannot write \(out)")
            }
            Output.write(Array(JSONValue.object(key.publicKey.jwk).jsonText.utf8))
        }
    }

    /// `tokenctl event-key public --key FILE`.
    struct Public: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public JWK of a private event key file.")

        @Option(help: "The private key file (the issuer's KEYSTORE_DIR/event-signing.jwk).")
        var key: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: key) else { throw InputFailure(message: "cannot read \(key)") }
            do {
                let signing = try EventSigningKey(jwk: JSONValue.parseObject(Array(data)))
                Output.write(Array(JSONValue.object(signing.publicKey.jwk).jsonText.utf8))
            } catch let error as EventError {
                throw InputFailure(message: "\(key): \(error.reason)")
            }
        }
    }
}
