import ArgumentParser
import Foundation
import TokenKit

/// `tokenctl`: keys and tokens from the command line (CONTRACT.md "tokenctl").
///
/// Exit status: 0 on success (a verified payload on stdout), 1 with one line on stderr when
/// a token, key or input is refused, 2 for a usage error.
@main
struct TokenCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenctl",
        abstract: "Generate keys, sign, decode and verify JWS and access tokens (ES256, RS256); create event keys (Ed25519).",
        subcommands: [Keygen.self, Sign.self, Decode.self, VerifyJWS.self, Verify.self, EventKey.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let refusal as TokenError {
            Output.fail("invalid: \(refusal.code): \(refusal.reason)")
        } catch let failure as InputFailure {
            Output.fail("error: \(failure.message)")
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Output.error(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

/// A problem with an input the user named (a file, a JSON argument): exit status 1.
struct InputFailure: Error {
    let message: String
}

/// Writes tokenctl's answers.
enum Output {
    /// Writes one line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes one line to stderr and exits with status 1.
    static func fail(_ line: String) -> Never {
        error(line)
        exit(1)
    }

    /// Writes raw bytes and a newline to stdout.
    static func write(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes + [0x0A]))
    }
}
