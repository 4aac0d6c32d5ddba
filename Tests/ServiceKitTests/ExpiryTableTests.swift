import Testing

@testable import ServiceKit

/// `ExpiryTable` against `Dictionary` as the model: random raises, removals and lookups, with
/// ids crowded into a few home slots so that probe runs collide, wrap around the end of the
/// table and are shifted back on removal.
@Suite struct ExpiryTableTests {
    @Test(arguments: [0, 4, 60]) func behavesLikeADictionary(crowding: Int) {
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
                let raised = table.raise(id, to: expiry)
                #expect(raised == expected, "step \(step)")
                if expected { model[id] = stored }
                known.append(id)
            case 6..<9:
                table.remove(id)
                model[id] = nil
            default:
                break
            }
            #expect(table[id] == model[id], "step \(step)")
            #expect(table.count == model.count)
        }
        for id in known { #expect(table[id] == model[id]) }
    }

    @Test func growsPastAMillionAndFindsEveryEntry() {
        var table = ExpiryTable()
        let ids = (0..<1_000_000).map { RevocationID("id-\($0)") }
        let raised = ids.enumerated().filter { table.raise($1, to: UInt32($0 + 1)) }.count
        #expect(raised == ids.count)
        #expect(table.count == ids.count)
        #expect(ids.enumerated().allSatisfy { table[$1] == UInt32($0 + 1) })
        #expect(table[RevocationID("absent")] == nil)
    }
}
