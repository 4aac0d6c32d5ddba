import Foundation
import Glibc
import Logging
import ServiceKit

/// `issuer user add NAME --role R [--role R2] [--user-db PATH] [--bcrypt-cost N]`: reads the
/// password from stdin (echo off on a terminal; never printed or logged), hashes it with
/// bcrypt and stores the user (a user that exists gets the new password and roles).
/// Exit status 0 on success, 2 for a usage error, 1 when the store cannot be written.
enum UserCommand {
    static let usage = "usage: issuer user add NAME --role ROLE [--role ROLE...] [--user-db PATH] [--bcrypt-cost N]  (password on stdin)"

    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.count >= 2, arguments[0] == "add", !arguments[1].hasPrefix("-") else { return fail(usage) }
        let name = arguments[1]
        var roles: [String] = []
        var rest: [String] = []
        var index = 2
        while index < arguments.count {
            if arguments[index] == "--role" || arguments[index].hasPrefix("--role=") {
                let value: String
                if let equals = arguments[index].firstIndex(of: "=") {
                    value = String(arguments[index][arguments[index].index(after: equals)...])
                } else {
                    index += 1
                    guard index < arguments.count else { return fail("--role needs a value\n" + usage) }
                    value = arguments[index]
                }
                guard !value.isEmpty, value.utf8.count <= 64 else { return fail("a role must have 1 to 64 bytes") }
                if !roles.contains(value) { roles.append(value) }
            } else {
                rest.append(arguments[index])
            }
            index += 1
        }
        guard !roles.isEmpty else { return fail("at least one --role is required\n" + usage) }
        guard name.utf8.count <= 256 else { return fail("the name is longer than 256 bytes") }
        let settings: Settings
        let userDatabase: String
        let cost: Int
        do {
            settings = try Settings(
                [IssuerSettings.userDatabase, IssuerSettings.bcryptCost], arguments: rest, environment: ProcessInfo.processInfo.environment)
            userDatabase = try settings.string(IssuerSettings.userDatabase)
            cost = try settings.integer(IssuerSettings.bcryptCost, in: 10...16)
        } catch {
            return fail("\(error)")
        }
        guard let password = readPassword(), !password.isEmpty else { return fail("no password on stdin") }
        // bcrypt reads at most 72 bytes; a longer password would be silently shortened.
        guard password.utf8.count <= 72 else { return fail("the password is longer than 72 bytes (bcrypt's limit)") }
        var logger = Logger(label: "issuer")
        logger.logLevel = .error
        do {
            let store = try await SQLiteUserStore.open(path: userDatabase, logger: logger)
            let hash = try await PasswordHasher(cost: cost, dummyHash: "").hash(password)
            try await store.save(User(username: name, passwordHash: hash, roles: roles))
            await store.close()
        } catch {
            FileHandle.standardError.write(Data("issuer: cannot store the user: \(error)\n".utf8))
            return 1
        }
        FileHandle.standardError.write(Data("issuer: user \(name) saved with roles \(roles.joined(separator: ","))\n".utf8))
        return 0
    }

    /// One line from stdin; on a terminal with a prompt on stderr and echo off.
    private static func readPassword() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data("Password: ".utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("issuer: \(message)\n".utf8))
        return 2
    }
}
