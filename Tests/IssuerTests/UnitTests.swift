import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SQLiteNIO
import ServiceKit
import Testing
import TokenKit

@testable import Issuer

@Suite("Units without services")
struct UnitTests {
    @Test("Refresh tokens: the sid then 256 random bits, strict form, successor sealed under the spent token")
    func refreshTokens() throws {
        let sid = RandomID.make()
        let token = RefreshToken.generate(sessionID: sid)
        #expect(token.bytes.count == 48)
        #expect(token.text.utf8.count == 64)
        #expect(token.sessionID == sid)
        #expect(RefreshToken(presented: token.text) == token)
        #expect(RefreshToken(presented: token.text + "=") == nil)
        #expect(RefreshToken(presented: "short") == nil)
        #expect(RefreshToken(presented: String(repeating: "A", count: 43)) == nil, "the old 32-byte form is refused")
        let successor = RefreshToken.generate(sessionID: sid)
        let sealed = try token.seal(successor: successor)
        #expect(token.open(sealedSuccessor: sealed) == successor)
        #expect(RefreshToken.generate(sessionID: sid).open(sealedSuccessor: sealed) == nil)
        #expect(token.digest.count == 64)
        // The Redis form is the plain lower-case hex SHA-256 of the 48 bytes.
        let zeros = try #require(RefreshToken(presented: String(repeating: "A", count: 64)))
        #expect(zeros.digest == SHA256.hash(data: [UInt8](repeating: 0, count: 48)).lowercaseHex)
        #expect(Set((0..<64).map { _ in RefreshToken.generate(sessionID: sid).text }).count == 64)
        #expect(SystemRandomNumberGenerator.bytes(13).count == 13)
    }

    @Test("Record MACs: bound to the kind and every field, valid under every key of the ring, refused otherwise")
    func recordMACs() throws {
        var ring = RecordKeyRing.fresh(now: 1000)
        let old = try RecordAuthenticator(ring: ring)
        let tag = old.tag(.refresh, ["digest", "sid", "123"])
        #expect(old.isValid(tag, .refresh, ["digest", "sid", "123"]))
        #expect(!old.isValid(tag, .refresh, ["digest", "sid2", "123"]))
        #expect(!old.isValid(tag, .session, ["digest", "sid", "123"]))
        // Field boundaries count: ["ab", "c"] is not ["a", "bc"].
        #expect(!old.isValid(old.tag(.session, ["ab", "c"]), .session, ["a", "bc"]))
        #expect(!old.isValid(nil, .refresh, ["digest", "sid", "123"]))
        #expect(!old.isValid("x.y", .refresh, ["digest", "sid", "123"]))
        #expect(!old.isValid(tag + "A", .refresh, ["digest", "sid", "123"]))
        // Another issuer's key (a different ring) does not verify.
        #expect(!(try RecordAuthenticator(ring: .fresh(now: 1000))).isValid(tag, .refresh, ["digest", "sid", "123"]))
        // After a rotation the old tags still verify, new ones use the new key; keys replaced
        // longer ago than the retention are dropped.
        ring.rotate(now: 2000, retention: .seconds(500))
        let rotated = try RecordAuthenticator(ring: ring)
        #expect(rotated.currentID != old.currentID)
        #expect(rotated.isValid(tag, .refresh, ["digest", "sid", "123"]))
        ring.rotate(now: 3000, retention: .seconds(500))
        #expect(ring.keys.count == 2)
        #expect(!(try RecordAuthenticator(ring: ring)).isValid(tag, .refresh, ["digest", "sid", "123"]))
    }

    @Test("The login limit counts IPv6 clients by /64, IPv4 (and IPv4-mapped) by address")
    func addressBuckets() {
        #expect(LoginRateLimiter.counted("203.0.113.7") == "203.0.113.7")
        #expect(LoginRateLimiter.counted("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(LoginRateLimiter.counted("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64")
        #expect(LoginRateLimiter.counted("2001:0db8:0001:0002::9") == "2001:db8:1:2::/64")
        #expect(LoginRateLimiter.counted("2001:db8:1:3::1") != LoginRateLimiter.counted("2001:db8:1:2::1"))
        #expect(LoginRateLimiter.counted("::ffff:198.51.100.4") == "198.51.100.4")
        #expect(LoginRateLimiter.counted("fe80::1%eth0") == "fe80:0:0:0::/64")
        #expect(LoginRateLimiter.addressKey("2001:db8:1:2::5") == LoginRateLimiter.addressKey("2001:db8:1:2::6"))
        #expect(LoginRateLimiter.counted("unknown") == "unknown")
    }

    @Test("Passwords bcrypt would check by a prefix are refused when set and never match")
    func passwordLimits() async throws {
        let hasher = PasswordHasher(cost: 10, dummyHash: try await Bcrypt10.hash("dummy-password"))
        let long = String(repeating: "p", count: 72)
        #expect(PasswordHasher.isAcceptable(long))
        #expect(!PasswordHasher.isAcceptable(long + "x"))
        #expect(!PasswordHasher.isAcceptable("abc\u{0}def"))
        #expect(!PasswordHasher.isAcceptable(""))
        await #expect(throws: PasswordError.self) { try await hasher.hash(long + "x") }
        await #expect(throws: PasswordError.self) { try await hasher.hash("abc\u{0}def") }
        // A stored hash of exactly 72 bytes: a longer password that starts with them never matches.
        let stored = try await hasher.hash(long)
        #expect(try await hasher.verify(long, against: stored))
        #expect(try await !hasher.verify(long + "suffix", against: stored))
        let withNul = try await hasher.hash("abc")
        #expect(try await !hasher.verify("abc\u{0}anything", against: withNul))
        #expect(PasswordHasher.cost(of: stored) == 10)
        #expect(PasswordHasher.cost(of: "not a hash") == nil)
    }

    @Test("A user store made before `disabled` existed gets the column and keeps its users", .timeLimit(.minutes(1)))
    func sqliteMigration() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/users.sqlite"
            let old = try await SQLiteConnection.open(storage: .file(path: path), logger: .init(label: "t"))
            _ = try await old.query(
                "CREATE TABLE users (username TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, roles TEXT NOT NULL, updated_at INTEGER NOT NULL)",
                [])
            _ = try await old.query(
                "INSERT INTO users VALUES (?, ?, ?, ?)",
                [.text("alice"), .text(try await Bcrypt10.hash("pw")), .text(#"["user"]"#), .integer(1)])
            try await old.close()
            let store = try await SQLiteUserStore.open(path: path, logger: .init(label: "t"))
            let alice = try #require(try await store.user(named: "alice"))
            #expect(alice.roles == ["user"])
            #expect(!alice.disabled)
            await store.close()
        }
    }

    @Test("The dummy hash for unknown users has the cost of the stored hashes")
    func dummyCost() async throws {
        let hasher = try await PasswordHasher.make(cost: 12, dummyCost: 10)
        #expect(PasswordHasher.cost(of: hasher.dummyHash) == 10)
        try await withTemporaryDirectory { folder in
            let store = try await SQLiteUserStore.open(path: folder + "/users.sqlite", logger: .init(label: "t"))
            #expect(try await store.prevailingHashCost() == nil)
            for name in ["a", "b"] {
                try await store.save(User(username: name, passwordHash: try await Bcrypt10.hash("pw"), roles: ["user"]))
            }
            try await store.save(User(username: "c", passwordHash: try await PasswordHasher(cost: 11, dummyHash: "").hash("pw"), roles: []))
            #expect(try await store.prevailingHashCost() == 10)
            await store.close()
        }
    }

    @Test("At most N password checks at once; the next one is refused 503 at once, not queued")
    func hashConcurrency() async throws {
        let hash = try await Bcrypt10.hash("pw")
        let hasher = PasswordHasher(cost: 10, dummyHash: hash, concurrency: 1)
        async let first = hasher.verify("pw", against: hash)
        // Wait until the first check holds the only slot.
        while hasher.inFlight == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let started = ContinuousClock.now
        do {
            _ = try await hasher.verify("pw", against: hash)
            Issue.record("a second check ran beside the first")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.code == "temporarily_unavailable")
            #expect(error.headers[.retryAfter] == "1")
            #expect(ContinuousClock.now - started < .milliseconds(20), "refused at once")
        }
        #expect(try await first)
        #expect(try await hasher.verify("pw", against: hash), "the slot is given back")
    }

    @Test("The refresh cookie: default name and path, __Host- with Path=/, two cookies refused")
    func refreshCookie() throws {
        func request(_ cookies: [String]) -> Request {
            var fields = HTTPFields()
            for cookie in cookies { fields.append(HTTPField(name: .cookie, value: cookie)) }
            return Request(
                head: .init(method: .post, scheme: "http", authority: "x", path: "/auth/refresh", headerFields: fields),
                body: .init(buffer: ByteBuffer()))
        }
        let plain = try RefreshCookie()
        #expect(plain.setCookie(value: "v", maxAge: 5) == "refresh_token=v; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=5")
        let host = try RefreshCookie(name: RefreshCookie.hostPrefixed)
        #expect(host.setCookie(value: "v", maxAge: 5) == "__Host-refresh_token=v; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=5")
        #expect(host.cleared.contains("Max-Age=0"))
        #expect(try plain.value(in: request(["a=1; refresh_token=abc; b=2"])) == "abc")
        #expect(try plain.value(in: request([])) == nil)
        #expect(try host.value(in: request(["refresh_token=abc"])) == nil, "only the configured name counts")
        #expect(try host.value(in: request(["__Host-refresh_token=abc"])) == "abc")
        // Cookie tossing: a second cookie of the same name, in one header or in two.
        #expect(throws: APIError.self) { try plain.value(in: request(["refresh_token=abc; refresh_token=evil"])) }
        #expect(throws: APIError.self) { try plain.value(in: request(["refresh_token=abc", "refresh_token=evil"])) }
        #expect(throws: (any Error).self) { try RefreshCookie(name: "bad name;") }
        #expect(try IssuerSettings(environment: ["REFRESH_COOKIE_NAME": "__Host-refresh_token"]).refreshCookie.path == "/")
    }

    @Test("The successor's sealing key is HKDF-SHA256 of the spent token, as docs/REDIS-KEYS.md says")
    func sealingKeyIsHKDF() {
        for _ in 0..<20 {
            let token = RefreshToken.generate(sessionID: RandomID.make())
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
        #expect(settings.refreshCookie.name == "refresh_token")
        #expect(settings.passwordHashConcurrency >= 1, "the core count")
        #expect(try IssuerSettings(environment: ["PASSWORD_HASH_CONCURRENCY": "3"]).passwordHashConcurrency == 3)
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
            try await again.save(User(username: "alice", passwordHash: hash, roles: ["user"], disabled: true))
            #expect(try await again.user(named: "alice")?.disabled == true)
            #expect(try await again.delete(named: "alice"))
            #expect(try await !again.delete(named: "alice"))
            #expect(try await again.user(named: "alice") == nil)
            await again.close()
        }
    }
}
