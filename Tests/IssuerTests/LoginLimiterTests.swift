import Hummingbird
import HummingbirdTesting
import Redis
import Synchronization
import Testing

@testable import Issuer

/// A user store that fails every lookup (a fake behind ``UserStore``): the 5xx path of login.
struct FailingUserStore: UserStore {
    struct Down: Error {}
    func user(named username: String) async throws -> User? { throw Down() }
    func save(_ user: User) async throws { throw Down() }
    func delete(named username: String) async throws -> Bool { throw Down() }
}

/// A user store whose lookups wait until their task is cancelled (a fake behind ``UserStore``):
/// a login whose client went away while it was being handled.
final class HangingUserStore: UserStore {
    private let calls = Mutex(0)
    var called: Int { calls.withLock { $0 } }

    func user(named username: String) async throws -> User? {
        calls.withLock { $0 += 1 }
        try await Task.sleep(for: .seconds(600))
        return nil
    }
    func save(_ user: User) async throws {}
    func delete(named username: String) async throws -> Bool { false }
}

extension IssuerServiceTests.LoginTests {
    /// Both counters of one login attempt (0 when gone).
    static func counters(_ issuer: TestIssuer, username: String) async throws -> [Int] {
        var values: [Int] = []
        for key in [LoginRateLimiter.usernameKey(username), LoginRateLimiter.addressKey("unknown")] {
            values.append(Int(try await issuer.components.redis.send("GET", RedisArgument(key)).string ?? "0") ?? -1)
        }
        return values
    }

    /// Waits (up to 5 s) for both counters to be back at zero; returns what they last were.
    static func countersSettle(_ issuer: TestIssuer, username: String) async throws -> [Int] {
        var values = try await counters(issuer, username: username)
        for _ in 0..<50 where values != [0, 0] {
            try await Task.sleep(for: .milliseconds(100))
            values = try await counters(issuer, username: username)
        }
        return values
    }

    @Test("A 5xx gives the attempt back: ten failed lookups lock nobody out")
    func serverErrorGivesAttemptBack() async throws {
        let name = uniqueName("gil")
        try await withIssuer(Self.limits, userStore: FailingUserStore()) { issuer in
            try await Self.clearAddressCounter(issuer)
            for _ in 0..<10 {
                let response = try await issuer.login(name, "gil-password")
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "temporarily_unavailable")
            }
            #expect(try await Self.countersSettle(issuer, username: name) == [0, 0])
        }
    }

    @Test("A cancelled login gives its attempt back")
    func cancelledLoginGivesAttemptBack() async throws {
        let name = uniqueName("hal")
        let store = HangingUserStore()
        try await withIssuer(Self.limits, userStore: store) { issuer in
            try await Self.clearAddressCounter(issuer)
            let login = Task { try await issuer.login(name, "hal-password") }
            for _ in 0..<100 where store.called == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(store.called == 1)
            #expect(try await Self.counters(issuer, username: name) == [1, 1])
            login.cancel()
            _ = try? await login.value
            #expect(try await Self.countersSettle(issuer, username: name) == [0, 0])
        }
    }

    @Test("Wrong passwords stay counted; a refused (429) attempt is not counted")
    func onlyWrongPasswordsCount() async throws {
        let name = uniqueName("ivy")
        try await withIssuer(Self.limits, users: [name: ("ivy-password", ["user"])]) { issuer in
            try await Self.clearAddressCounter(issuer)
            for _ in 0..<5 { #expect(try await issuer.login(name, "wrong").status == .unauthorized) }
            for _ in 0..<3 { #expect(try await issuer.login(name, "wrong").status == .tooManyRequests) }
            #expect(try await Self.counters(issuer, username: name) == [5, 5])
            try await Self.clearAddressCounter(issuer)
        }
    }
}
