import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Issuer

extension IssuerServiceTests {
    /// Issue 18 item 5: the bcrypt limits seen through `POST /auth/login`.
    @Suite("Password limits at login", .timeLimit(.minutes(1)))
    struct PasswordLimitTests {
        @Test("Beyond PASSWORD_HASH_CONCURRENCY checks at once, login answers 503 with Retry-After at once")
        func saturatedLogin() async throws {
            let name = uniqueName("tara")
            try await withIssuer(["PASSWORD_HASH_CONCURRENCY": "1"], users: [name: ("tara-password", ["user"])]) { issuer in
                let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                    for _ in 0..<6 { group.addTask { try await issuer.login(name, "tara-password") } }
                    return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
                }
                let refused = answers.filter { $0.status == .serviceUnavailable }
                #expect(!refused.isEmpty, "six logins at once with room for one check")
                #expect(answers.contains { $0.status == .ok })
                for answer in refused {
                    #expect(answer.errorCode == "temporarily_unavailable")
                    #expect(answer.headers[.retryAfter] == "1")
                }
                #expect(answers.allSatisfy { $0.status == .ok || $0.status == .serviceUnavailable })
            }
        }

        @Test("A stored 72-byte password is not matched by a longer one that starts with it")
        func noPrefixMatch() async throws {
            let name = uniqueName("ugo")
            let password = String(repeating: "u", count: 72)
            try await withIssuer(users: [name: (password, ["user"])]) { issuer in
                #expect(try await issuer.login(name, password).status == .ok)
                let longer = try await issuer.login(name, password + "-anything")
                #expect(longer.status == .unauthorized)
                #expect(longer.errorCode == "invalid_credentials")
            }
        }
    }
}
