import Foundation
import TestSupport
import Testing
import TokenKit

@testable import Issuer

@Suite("issuer user add and restarts", .timeLimit(.minutes(2)))
struct CommandTests {
    @Test("Usage errors exit 2")
    func usageErrors() async {
        #expect(await UserCommand.run([]) == 2)
        #expect(await UserCommand.run(["add"]) == 2)
        #expect(await UserCommand.run(["add", "alice"]) == 2)
        #expect(await UserCommand.run(["remove", "alice", "--role", "user"]) == 2)
        #expect(await UserCommand.run(["add", "alice", "--role"]) == 2)
        #expect(await UserCommand.run(["add", "alice", "--role", "user", "--bcrypt-cost", "4"]) == 2)
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
