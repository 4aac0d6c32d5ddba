/// Revoked ids → their expiry in 32-bit seconds: an open-addressing hash table (linear probing,
/// at most 3/4 full, backward-shift removal) that uses the id's own bits as its hash.
///
/// A ``RevocationID`` is already SHA-256 output, so nothing is hashed again: `Dictionary` ran
/// SipHash on every lookup and, each time it grew, on every entry it moved — together a fifth
/// of the CPU of loading 1,000,000 entries (docs/BENCHMARKS.md), and three hashes on every
/// request's `isRevoked`. An expiry of 0 marks an empty slot; a stored expiry is at least 1.
struct ExpiryTable {
    private var ids: [RevocationID]
    private var expiries: [UInt32]
    /// The number of ids in the table.
    private(set) var count = 0

    /// An empty table with room for `capacity` ids before it grows.
    init(capacity: Int = 12) {
        var slots = 16
        while slots * 3 / 4 < capacity { slots *= 2 }
        ids = Array(repeating: RevocationID(high: 0, low: 0), count: slots)
        expiries = Array(repeating: 0, count: slots)
    }

    /// The expiry of `id`, or `nil` when it is not in the table.
    subscript(id: RevocationID) -> UInt32? {
        let (index, found) = slot(of: id)
        return found ? expiries[index] : nil
    }

    /// Sets `id`'s expiry to `expiry` unless it already has that or a later one.
    /// - Returns: whether the expiry changed (or the id is new).
    mutating func raise(_ id: RevocationID, to expiry: UInt32) -> Bool {
        let expiry = max(1, expiry)
        var (index, found) = slot(of: id)
        if found {
            guard expiries[index] < expiry else { return false }
            expiries[index] = expiry
            return true
        }
        if (count + 1) * 4 > expiries.count * 3 {
            grow()
            index = slot(of: id).index
        }
        ids[index] = id
        expiries[index] = expiry
        count += 1
        return true
    }

    /// Removes `id` if it is in the table.
    mutating func remove(_ id: RevocationID) {
        let (foundAt, found) = slot(of: id)
        guard found else { return }
        let mask = expiries.count - 1
        // Backward shift: later entries of the same probe run move into the hole when their home
        // slot is not between the hole and where they are, so every lookup still finds them.
        var hole = foundAt
        var index = (hole + 1) & mask
        while expiries[index] != 0 {
            let home = Self.home(of: ids[index], mask: mask)
            if (index - home) & mask >= (index - hole) & mask {
                ids[hole] = ids[index]
                expiries[hole] = expiries[index]
                hole = index
            }
            index = (index + 1) & mask
        }
        expiries[hole] = 0
        count -= 1
    }

    /// Where `id` is, or the empty slot where it would go.
    private func slot(of id: RevocationID) -> (index: Int, found: Bool) {
        let mask = expiries.count - 1
        var index = Self.home(of: id, mask: mask)
        while expiries[index] != 0 {
            if ids[index] == id { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    private static func home(of id: RevocationID, mask: Int) -> Int {
        Int(truncatingIfNeeded: id.low) & mask
    }

    /// Doubles the slots and moves every entry: a pass over the arrays, with no hashing.
    private mutating func grow() {
        var grown = ExpiryTable(capacity: expiries.count * 3 / 2)
        for index in expiries.indices where expiries[index] != 0 {
            let slot = grown.slot(of: ids[index]).index
            grown.ids[slot] = ids[index]
            grown.expiries[slot] = expiries[index]
        }
        grown.count = count
        self = grown
    }
}
