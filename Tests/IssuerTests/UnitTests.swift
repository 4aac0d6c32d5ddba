import Crypto
import Foundation
import Hummingbird
import Testing
import TokenKit

@testable import Issuer

@Suite("Units without services")
struct UnitTests {
    @Test("Refresh tokens: 256 random bits, strict form, successor sealed under the spent token")
    func refreshTokens() throws {
        let token = RefreshToken.generate()
        #expect(token.bytes.count == 32)
        #expect(RefreshToken(presented: token.text) == token)
        #expect(RefreshToken(presented: token.text + "=") == nil)
        #expect(RefreshToken(presented: "short") == nil)
        let successor = RefreshToken.generate()
        let sealed = try token.seal(successor: successor)
        #expect(token.open(sealedSuccessor: sealed) == successor)
        #expect(RefreshToken.generate().open(sealedSuccessor: sealed) == nil)
        #expect(token.digest.count == 64)
        // The Redis form is the plain lower-case hex SHA-256 of the 32 bytes.
        let zeros = try #require(RefreshToken(presented: String(repeating: "A", count: 43)))
        #expect(zeros.digest == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925")
        #expect(Set((0..<64).map { _ in RefreshToken.generate().text }).count == 64)
        #expect(SystemRandomNumberGenerator.bytes(13).count == 13)
    }

    @Test("The successor's sealing key is HKDF-SHA256 of the spent token, as docs/REDIS-KEYS.md says")
    func sealingKeyIsHKDF() {
        for _ in 0..<20 {
            let token = RefreshToken.generate()
            let expected = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: token.bytes), salt: Array("token-infra refresh successor".utf8),
                info: Array("v1".utf8), outputByteCount: 32)
            #expect(token.sealingKey == expected)
        }
    }

    @Test("CSRF guard: the three refusals and what passes")
    func csrf() throws {
        let guardian = CSRFGuard(allowedOrigins: ["https://app.example"])
        func request(_ headers: HTTPFields) -> Request {
            Request(
                head: .init(method: .post, scheme: "http", authority: "x", path: "/auth/refresh", headerFields: headers),
                body: .init(buffer: ByteBuffer()))
        }
        #expect(throws: (any Error).self) { try guardian.check(request([:])) }
        #expect(throws: (any Error).self) { try guardian.check(request([.xRequestedWith: " \t "])) }
        #expect(throws: (any Error).self) { try guardian.check(request([.xRequestedWith: "x", .origin: "https://evil.example"])) }
        #expect(throws: (any Error).self) { try guardian.check(request([.xRequestedWith: "x", .secFetchSite: "cross-site"])) }
        try guardian.check(request([.xRequestedWith: "x"]))
        try guardian.check(request([.xRequestedWith: "x", .origin: "https://app.example", .secFetchSite: "same-origin"]))
    }

    @Test("Settings: the documented defaults, and refusals")
    func settings() throws {
        let settings = try IssuerSettings(environment: [:])
        #expect(settings.server.port == 8080)
        #expect(settings.signingAlgorithm == .es256)
        #expect(settings.keyRotationInterval == .seconds(86_400))
        #expect(settings.keyPublishLead == .seconds(60))
        #expect(settings.keyAnnounceInterval == .seconds(30))
        #expect(settings.refreshTokenTTL == .seconds(7 * 86_400))
        #expect(settings.sessionMaxAge == .seconds(30 * 86_400))
        #expect(settings.refreshReuseGrace == .seconds(10))
        #expect(settings.allowedOrigins.isEmpty)
        #expect(settings.bcryptCost == 12)
        #expect(settings.kafkaLinger == .milliseconds(20))
        #expect(settings.loginRateLimit == 5)
        #expect(settings.loginRateWindow == .seconds(60))
        #expect(settings.userDatabase == ".run/dev/issuer/users.sqlite")
        #expect(settings.keystoreDirectory == ".run/dev/issuer/keys")
        #expect(settings.jwksURL == "http://127.0.0.1:8081/.well-known/jwks.json")
        #expect(throws: (any Error).self) { try IssuerSettings(environment: ["BCRYPT_COST": "9"]) }
        #expect(throws: (any Error).self) { try IssuerSettings(environment: ["SIGNING_ALG": "HS256"]) }
        #expect(try IssuerSettings(environment: ["SIGNING_ALG": "RS256"]).signingAlgorithm == .rs256)
    }

    @Test("The SQLite user store keeps users across connections", .timeLimit(.minutes(1)))
    func sqliteUsers() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/nested/users.sqlite"
            let store = try await SQLiteUserStore.open(path: path, logger: .init(label: "t"))
            let hash = try await Bcrypt10.hash("pw")
            try await store.save(User(username: "alice", passwordHash: hash, roles: ["user"]))
            try await store.save(User(username: "alice", passwordHash: hash, roles: ["user", "admin"]))
            await store.close()
            let again = try await SQLiteUserStore.open(path: path, logger: .init(label: "t"))
            let alice = try #require(try await again.user(named: "alice"))
            #expect(alice.roles == ["user", "admin"])
            #expect(try await PasswordHasher(cost: 10, dummyHash: hash).verify("pw", against: alice.passwordHash))
            #expect(try await again.user(named: "bob") == nil)
            await again.close()
        }
    }
}
