extension SystemRandomNumberGenerator {
    /// `count` random bytes, eight from each call: `UInt8.random` would ask the kernel once a
    /// byte.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 7)
        while bytes.count < count { withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 } }
        return Array(bytes.prefix(count))
    }
}
