import TestSupport
import Testing

@testable import Revocation

/// `ExpiryTable` against `Dictionary` as the model: random raises, removals and lookups, with
/// ids crowded into a few home slots so that probe runs collide, wrap around the end of the
/// table and are shifted back on removal. The runs are seconds of CPU, so they go to the
/// tests' heavy lane and report their first disagreements rather than expecting at every step.
@Suite struct ExpiryTableTests {
    @Test(arguments: [0, 4, 60]) func behavesLikeADictionary(crowding: Int) async throws {
        let disagreements = try await onTheHeavyLane { Self.disagreementsWithADictionary(crowding: crowding) }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    /// Where the table and the model disagreed, in order.
    static func disagreementsWithADictionary(crowding: Int) -> [String] {
        var disagreements: [String] = []
        var generator = SystemRandomNumberGenerator()
        var table = ExpiryTable()
        var model: [RevocationID: UInt32] = [:]
        // crowding 0: uniform ids; otherwise the low bits take only a few values, near the table's end.
        func randomID() -> RevocationID {
            let low = UInt64.random(in: 0...UInt64.max, using: &generator)
            let crowded = crowding == 0 ? low : (UInt64.max - UInt64.random(in: 0...3, using: &generator)) & ~(UInt64(1) << crowding)
            return RevocationID(high: UInt64.random(in: 0...200, using: &generator), low: crowded)
        }
        var known: [RevocationID] = []
        for step in 0..<30_000 {
            let id = known.isEmpty || Bool.random(using: &generator) ? randomID() : known.randomElement(using: &generator)!
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let expiry = UInt32.random(in: 0...1000, using: &generator)
                let stored = max(1, expiry)
                let expected = (model[id] ?? 0) < stored
                if table.raise(id, to: expiry) != expected { disagreements.append("step \(step): raise") }
                if expected { model[id] = stored }
                known.append(id)
            case 6..<9:
                table.remove(id)
                model[id] = nil
            default:
                break
            }
            if table[id] != model[id] { disagreements.append("step \(step): lookup") }
            if table.count != model.count { disagreements.append("step \(step): count") }
        }
        for id in known where table[id] != model[id] { disagreements.append("after the run: \(id)") }
        return disagreements
    }

    @Test func growsPastAMillionAndFindsEveryEntry() async throws {
        let (raised, count, allFound, absent) = try await onTheHeavyLane {
            var table = ExpiryTable()
            let ids = (0..<1_000_000).map { RevocationID("id-\($0)") }
            let raised = ids.enumerated().filter { table.raise($1, to: UInt32($0 + 1)) }.count
            let allFound = ids.enumerated().allSatisfy { table[$1] == UInt32($0 + 1) }
            return (raised, table.count, allFound, table[RevocationID("absent")])
        }
        #expect(raised == 1_000_000)
        #expect(count == 1_000_000)
        #expect(allFound)
        #expect(absent == nil)
    }
}
