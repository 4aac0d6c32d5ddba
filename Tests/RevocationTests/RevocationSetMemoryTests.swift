import AuthEvents
import Foundation
import TestSupport
import Testing

@testable import Revocation

/// The memory bar: at most 150 bytes per entry at 1,000,000 entries (docs/RESOURCE.md
/// "memory layout"). Measured as the growth of the resident set while the set fills, which
/// also counts what the hash tables left behind when they grew; other tests running at the
/// same time can only make it look worse. Filled on the tests' heavy lane (seconds of CPU).
@Suite(.timeLimit(.minutes(2))) struct RevocationSetMemoryTests {
    @Test func aMillionEntriesFitIn150BytesEach() async throws {
        let entries = 1_000_000
        let set = RevocationSet()
        let grown = try await onTheHeavyLane {
            let before = try Self.residentBytes()
            let expiresAt = Date().timeIntervalSince1970 + 900
            for index in 0..<entries {
                set.apply(
                    RevocationEvent(
                        target: .token(id: "jti-\(index)-3q2-7wGkTVqK1uUu0cGr9g"), expiresAt: expiresAt, revokedAt: 0,
                        issuer: Fixture.issuer))
            }
            return try Self.residentBytes() - before
        }
        #expect(set.count == entries)
        let perEntry = Double(grown) / Double(entries)
        print("revocation set: \(grown / 1_048_576) MiB resident growth for \(entries) entries, \(perEntry) bytes each")
        #expect(perEntry <= 150)
        let started = ContinuousClock.now
        let swept = try await onTheHeavyLane { set.sweep(now: Date().timeIntervalSince1970) }
        #expect(swept == 0)
        print("revocation set: a sweep of \(entries) live entries took \(ContinuousClock.now - started)")
    }

    /// The resident set size from /proc/self/statm (pages × page size).
    static func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let pages = Int(statm.split(separator: " ")[1]) ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
