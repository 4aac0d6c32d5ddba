import ArgumentParser
import Foundation
import Glibc
import Logging
import ServiceKit

/// `issuer user …`: the user store from the command line (docs/ISSUER.md "Users").
///
/// `add` and `passwd` read the password from stdin (echo off on a terminal; never printed or
/// logged). `disable`, `delete` and `passwd` end the user's sessions and refuse every access
/// token issued to it until now (a subject revocation, written to Redis and published on the
/// revocations topic) at once; `set-roles` takes effect at the user's next refresh.
/// Exit status 0 on success, 2 for a usage error, 1 when the store, Redis or Kafka fails.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, change, disable or delete a user of the issuer's user store.",
        subcommands: [Add.self, Passwd.self, SetRoles.self, Disable.self, Enable.self, Delete.self])

    /// Runs `issuer user ARGUMENTS…` and gives the exit status.
    static func run(_ arguments: [String]) async -> Int32 {
        guard !arguments.isEmpty else {
            FileHandle.standardError.write(Data((helpMessage() + "\n").utf8))
            return 2
        }
        do {
            var command = try parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("issuer: \(failure.message)\n".utf8))
            return failure.status
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            FileHandle.standardError.write(Data("issuer: \(fullMessage(for: error))\n".utf8))
            return code == .validationFailure ? 2 : (code.rawValue == 0 ? 2 : code.rawValue)
        }
    }

    /// Where the store is, and the settings a revocation needs: each defaults to its
    /// environment variable, then to the issuer's default.
    struct StoreOptions: ParsableArguments {
        @Option(name: .customLong("user-db"), help: "SQLite file of the user store (USER_DB).")
        var userDatabase: String?
        @Option(name: .customLong("bcrypt-cost"), help: "Bcrypt cost of the new hash, 10...16 (BCRYPT_COST).")
        var bcryptCost: String?
        @Option(name: .customLong("redis-url"), help: "Redis, for the revocation (REDIS_URL).")
        var redisURL: String?
        @Option(name: .customLong("kafka-brokers"), help: "Kafka, for the revocation event (KAFKA_BROKERS).")
        var kafkaBrokers: String?

        /// The issuer's settings from these options and the environment.
        func settings() throws -> IssuerSettings {
            var arguments: [String] = []
            for (flag, value) in [
                ("--user-db", userDatabase), ("--bcrypt-cost", bcryptCost), ("--redis-url", redisURL), ("--kafka-brokers", kafkaBrokers),
            ] {
                if let value { arguments += [flag, value] }
            }
            do {
                return try IssuerSettings(environment: ProcessInfo.processInfo.environment, arguments: arguments)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user (password on stdin); an existing user gets the new password and roles.")
        @Argument(help: "The user name, also the tokens' sub.") var name: String
        @Option(name: .customLong("role"), help: "A role (repeat for more).") var roles: [String] = []
        @OptionGroup var options: StoreOptions

        func validate() throws {
            try UserCommand.validate(name: name)
            guard !roles.isEmpty else { throw ValidationError("at least one --role is required") }
            try UserCommand.validate(roles: roles)
        }

        func run() async throws {
            let settings = try options.settings()
            let hash = try await UserCommand.hashNewPassword(settings)
            var unique: [String] = []
            for role in roles where !unique.contains(role) { unique.append(role) }
            let existed = try await UserCommand.withStore(settings) { store in
                let existed = try await store.user(named: name) != nil
                try await store.save(User(username: name, passwordHash: hash, roles: unique))
                return existed
            }
            if existed { try await UserCommand.revokeEverything(of: name, settings: settings, because: "its password was replaced") }
            UserCommand.say("user \(name) saved with roles \(unique.joined(separator: ","))")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (on stdin); its sessions and access tokens are revoked.")
        @Argument(help: "The user name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let settings = try options.settings()
            let hash = try await UserCommand.hashNewPassword(settings)
            try await UserCommand.update(name, settings) { $0.passwordHash = hash }
            try await UserCommand.revokeEverything(of: name, settings: settings, because: "its password changed")
            UserCommand.say("password of \(name) changed; its sessions and access tokens are revoked")
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-roles", abstract: "Replace a user's roles; they take effect at its next refresh.")
        @Argument(help: "The user name.") var name: String
        @Argument(help: "The roles, comma- or space-separated.") var roles: [String]
        @OptionGroup var options: StoreOptions

        var parsedRoles: [String] {
            var unique: [String] = []
            for role in roles.flatMap({ $0.split(separator: ",").map(String.init) }) where !unique.contains(role) { unique.append(role) }
            return unique
        }

        func validate() throws {
            guard !parsedRoles.isEmpty else { throw ValidationError("at least one role is required") }
            try UserCommand.validate(roles: parsedRoles)
        }

        func run() async throws {
            let roles = parsedRoles
            try await UserCommand.update(name, try options.settings()) { $0.roles = roles }
            UserCommand.say("roles of \(name): \(roles.joined(separator: ",")) (from its next refresh or login)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: no login, its sessions and access tokens are revoked.")
        @Argument(help: "The user name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let settings = try options.settings()
            try await UserCommand.update(name, settings) { $0.disabled = true }
            try await UserCommand.revokeEverything(of: name, settings: settings, because: "it was disabled")
            UserCommand.say("user \(name) disabled; its sessions and access tokens are revoked")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @Argument(help: "The user name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await UserCommand.update(name, try options.settings()) { $0.disabled = false }
            UserCommand.say("user \(name) enabled")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a user: its sessions and access tokens are revoked.")
        @Argument(help: "The user name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let settings = try options.settings()
            let existed = try await UserCommand.withStore(settings) { try await $0.delete(named: name) }
            guard existed else { throw CommandFailure(message: "no user \(name)") }
            try await UserCommand.revokeEverything(of: name, settings: settings, because: "it was deleted")
            UserCommand.say("user \(name) deleted; its sessions and access tokens are revoked")
        }
    }
}

/// A command that could not be carried out: exit status 1, or 2 for unusable input.
struct CommandFailure: Error {
    let message: String
    var status: Int32 = 1
}

extension UserCommand {
    static func validate(name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 256, !name.hasPrefix("-") else {
            throw ValidationError("the name must have 1 to 256 bytes and not start with -")
        }
    }

    static func validate(roles: [String]) throws {
        guard roles.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) else { throw ValidationError("a role must have 1 to 64 bytes") }
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data("issuer: \(line)\n".utf8))
    }

    /// Opens the store, runs `body`, closes it.
    static func withStore<T: Sendable>(_ settings: IssuerSettings, _ body: (SQLiteUserStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "issuer")
        logger.logLevel = .error
        let store: SQLiteUserStore
        do {
            store = try await SQLiteUserStore.open(path: settings.userDatabase, logger: logger)
        } catch {
            throw CommandFailure(message: "cannot open the user store: \(error)")
        }
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Changes an existing user.
    /// - Throws: ``CommandFailure`` when there is no such user or the store fails.
    static func update(_ name: String, _ settings: IssuerSettings, _ change: @Sendable (inout User) -> Void) async throws {
        try await withStore(settings) { store in
            guard var user = try await store.user(named: name) else { throw CommandFailure(message: "no user \(name)") }
            change(&user)
            try await store.save(user)
        }
    }

    /// The bcrypt hash, at the settings' cost, of a new password from stdin: one line; on a
    /// terminal with a prompt on stderr and echo off.
    /// - Throws: ``CommandFailure`` without one, or for one bcrypt would check by a prefix only.
    static func hashNewPassword(_ settings: IssuerSettings) async throws -> String {
        guard let password = readPassword(), !password.isEmpty else { throw CommandFailure(message: "no password on stdin", status: 2) }
        // bcrypt reads at most 72 bytes and stops at a NUL: the rest would be ignored silently.
        guard PasswordHasher.isAcceptable(password) else { throw CommandFailure(message: PasswordError().description, status: 2) }
        return try await PasswordHasher(cost: settings.bcryptCost, dummyHash: "").hash(password)
    }

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
}
