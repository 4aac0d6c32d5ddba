import AuthEvents
import Foundation
import Revocation
import TestSupport
import Testing
import TokenKit

@testable import Issuer

@Suite("issuer user commands and restarts", .timeLimit(.minutes(3)))
struct CommandTests {
    /// Runs the built `issuer` binary with `arguments`, `stdin` and `environment`.
    static func issuer(_ arguments: [String], stdin: String = "", environment: [String: String]) async throws -> (Int32, String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("issuer")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the issuer product first")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = errors
        return try await offThePool {
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
            let output = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }

    @Test("Usage errors exit 2")
    func usageErrors() async {
        #expect(await UserCommand.run([]) == 2)
        #expect(await UserCommand.run(["add"]) == 2)
        #expect(await UserCommand.run(["add", "alice"]) == 2)
        #expect(await UserCommand.run(["remove", "alice", "--role", "user"]) == 2)
        #expect(await UserCommand.run(["add", "alice", "--role"]) == 2)
        #expect(await UserCommand.run(["add", "alice", "--role", "user", "--bcrypt-cost", "4"]) == 2)
        #expect(await UserCommand.run(["set-roles", "alice"]) == 2)
        #expect(await UserCommand.run(["disable"]) == 2)
    }

    @Test("Passwords over 72 bytes or with a NUL are refused by add and passwd (exit 2), nothing stored")
    func passwordRules() async throws {
        try await withTemporaryDirectory { folder in
            let environment = ["USER_DB": folder + "/users.sqlite", "BCRYPT_COST": "10"]
            let long = String(repeating: "x", count: 73)
            let (status, output) = try await Self.issuer(
                ["user", "add", "bob", "--role", "user"], stdin: long + "\n", environment: environment)
            #expect(status == 2, "\(output)")
            #expect(!output.contains(long))
            let (nul, _) = try await Self.issuer(["user", "add", "bob", "--role", "user"], stdin: "ab\u{0}cd\n", environment: environment)
            #expect(nul == 2)
            let store = try await SQLiteUserStore.open(path: folder + "/users.sqlite", logger: .init(label: "t"))
            #expect(try await store.user(named: "bob") == nil)
            await store.close()
            #expect(
                try await Self.issuer(["user", "add", "bob", "--role", "user"], stdin: "good-password\n", environment: environment).0 == 0)
            #expect(try await Self.issuer(["user", "passwd", "bob"], stdin: long + "\n", environment: environment).0 == 2)
        }
    }

    @Test(
        "disable, passwd and delete revoke the user's sessions and access tokens at once; set-roles shows at the next refresh",
    )
    func userCommandsRevoke() async throws {
        let name = uniqueName("sven")
        try await withTemporaryDirectory { folder in
            let database = folder + "/users.sqlite"
            let environment = [
                "USER_DB": database, "BCRYPT_COST": "10", "REDIS_URL": try TestEnvironment.issuerRedisURL(),
                "KAFKA_BROKERS": try TestEnvironment.value("TEST_KAFKA_BROKERS"), "REVOCATIONS_TOPIC": "test.auth.revocations",
                "KEYS_TOPIC": "test.auth.keys", "KEYSTORE_DIR": folder + "/keys",
            ]
            #expect(
                try await Self.issuer(["user", "add", name, "--role", "user"], stdin: "first-password\n", environment: environment).0 == 0)
            let store = try await SQLiteUserStore.open(path: database, logger: .init(label: "t"))
            try await withIssuer(userStore: store) { issuer in
                let redis = issuer.components.redis
                // set-roles: no revocation, new roles at the next refresh.
                let before = try await issuer.loggedIn(name, "first-password")
                #expect(try await Self.issuer(["user", "set-roles", name, "user,auditor"], environment: environment).0 == 0)
                let refreshed = try issuer.tokens(from: try await issuer.refresh(before.refreshToken))
                #expect(try issuer.claims(refreshed.accessToken).roles == ["user", "auditor"])

                // passwd: the sessions end and the access tokens are refused, at once.
                let (status, output) = try await Self.issuer(
                    ["user", "passwd", name], stdin: "second-password\n", environment: environment)
                #expect(status == 0, "\(output)")
                #expect(!output.contains("second-password"))
                #expect(try await issuer.refresh(refreshed.refreshToken).status == .unauthorized)
                let subject = try #require(try await redis.get("revoked:sub:\(name)"))
                guard case .subject(_, let issuedBefore) = try RevocationEvent(decoding: subject).target else {
                    Issue.record("not a subject revocation")
                    return
                }
                #expect(issuedBefore > (try issuer.claims(refreshed.accessToken)).issuedAt)
                let bearer = try await issuer.post("/auth/logout-all", headers: [.authorization: "Bearer \(refreshed.accessToken)"])
                #expect(bearer.status == .unauthorized, "the old access token is refused")
                #expect(try await issuer.login(name, "first-password").errorCode == "invalid_credentials")

                // disable: no login, sessions revoked.
                try await Task.sleep(for: .milliseconds(5))
                let second = try await issuer.loggedIn(name, "second-password")
                #expect(try await Self.issuer(["user", "disable", name], environment: environment).0 == 0)
                #expect(try await issuer.refresh(second.refreshToken).status == .unauthorized)
                #expect(try await issuer.login(name, "second-password").errorCode == "invalid_credentials")
                #expect(try await Self.issuer(["user", "enable", name], environment: environment).0 == 0)

                // delete: gone, sessions revoked.
                try await Task.sleep(for: .milliseconds(5))
                let third = try await issuer.loggedIn(name, "second-password")
                #expect(try await Self.issuer(["user", "delete", name], environment: environment).0 == 0)
                #expect(try await issuer.refresh(third.refreshToken).status == .unauthorized)
                #expect(try await store.user(named: name) == nil)
                #expect(try await Self.issuer(["user", "delete", name], environment: environment).0 == 1, "no such user")
            }
            await store.close()
        }
    }

    @Test("The built binary stores a user with the password from stdin and prints no secret")
    func addUser() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("issuer")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the issuer product first")
        try await withTemporaryDirectory { folder in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["user", "add", "alice", "--role", "user", "--role", "admin", "--bcrypt-cost", "10"]
            process.environment = ["USER_DB": folder + "/users.sqlite"]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            process.standardOutput = errors
            let (status, output) = try await offThePool {
                try process.run()
                input.fileHandleForWriting.write(Data("s3cret-pass\n".utf8))
                try input.fileHandleForWriting.close()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            }
            #expect(status == 0, "\(output)")
            #expect(!output.contains("s3cret-pass"))
            let store = try await SQLiteUserStore.open(path: folder + "/users.sqlite", logger: .init(label: "t"))
            let alice = try #require(try await store.user(named: "alice"))
            #expect(alice.roles == ["user", "admin"])
            #expect(alice.passwordHash.hasPrefix("$2"))
            #expect(try await PasswordHasher(cost: 10, dummyHash: alice.passwordHash).verify("s3cret-pass", against: alice.passwordHash))
            await store.close()
        }
    }

    @Test(
        "An issuer restarted on the same keystore signs with the same key and accepts its old tokens",
    )
    func restart() async throws {
        let name = uniqueName("olga")
        try await withTemporaryDirectory { folder in
            let keystore = folder + "/keys"
            let before = try await withIssuer(users: [name: ("olga-password", ["user"])], keystore: keystore) {
                (issuer: TestIssuer) async throws -> (Tokens, KeyRing) in
                (try await issuer.loggedIn(name, "olga-password"), issuer.components.keys.ring)
            }
            try await withIssuer(users: [name: ("olga-password", ["user"])], keystore: keystore) {
                (issuer: TestIssuer) async throws -> Void in
                #expect(issuer.components.keys.ring == before.1)
                #expect(try issuer.claims(before.0.accessToken).subject == name)
                // Sessions live in Redis, so they survive too.
                #expect(try await issuer.refresh(before.0.refreshToken).status == .ok)
            }
        }
    }
}
