import ArgumentParser
import Foundation
import TokenKit

/// `issuer keys list` and `issuer keys revoke KID`: the keystore, offline (docs/ISSUER.md
/// "Emergency key revocation"). A running issuer revokes through `POST /admin/keys/{kid}/revoke`;
/// this is for when it cannot: the next start announces the removal.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Show the signing keys' timelines, or revoke one in an emergency.",
        subcommands: [List.self, Revoke.self])

    /// Where the keystore is: `--keystore-dir`, else `KEYSTORE_DIR`, else the dev default.
    struct Keystore: ParsableArguments {
        @Option(help: "The keystore folder (default: KEYSTORE_DIR, or the dev cluster's).")
        var keystoreDir: String?

        var store: KeyStore {
            KeyStore(
                directory: keystoreDir ?? ProcessInfo.processInfo.environment["KEYSTORE_DIR"]
                    ?? IssuerSettings.keystoreDirectory.defaultValue ?? ".run/dev/issuer/keys")
        }

        func ring() throws -> KeyRing {
            guard let ring = try store.loadRing() else { throw ValidationError("no key ring in \(store.directory)") }
            return ring
        }
    }

    /// `issuer keys list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key's timeline and its state now.")
        @OptionGroup var keystore: Keystore

        func run() throws {
            let now = Date().timeIntervalSince1970
            print("kid\tstate\tpublished\tactivates\tretires\tremoved\trevoked")
            for timeline in try keystore.ring().timelines {
                let times = [timeline.publishedAt, timeline.activatesAt, timeline.retiresAt, timeline.removedAt, timeline.revokedAt]
                print(([timeline.kid, timeline.state(at: now).rawValue] + times.map(Self.date)).joined(separator: "\t"))
            }
        }

        static func date(_ time: Double?) -> String {
            time.map { Date(timeIntervalSince1970: $0).ISO8601Format() } ?? "-"
        }
    }

    /// `issuer keys revoke KID`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key now: removed at once; a published key, or else a new one, signs from now on.")
        @OptionGroup var keystore: Keystore
        @Argument(help: "The kid to revoke.") var kid: String
        @Option(help: "Algorithm of a new key, if one is needed: ES256 or RS256.") var signingAlg = "ES256"

        func run() throws {
            guard let algorithm = SignatureAlgorithm(rawValue: signingAlg.uppercased()) else {
                throw ValidationError("--signing-alg must be ES256 or RS256")
            }
            let store = keystore.store
            var ring = try keystore.ring()
            let now = Date().timeIntervalSince1970
            let successor = try SigningKey.generate(algorithm)
            do {
                if try ring.revoke(kid, now: now, successor: successor.kid) { try store.saveKey(successor) }
            } catch let error as TokenError {
                throw ValidationError("\(kid): \(error.reason)")
            }
            try store.saveRing(ring)
            print("revoked \(kid); \(ring.signingKid(at: now) ?? "?") signs from now on. Restart the issuer to announce it.")
        }
    }
}
