/// Decimal to binary conversion without `strtod`, for the numbers the revocation fast path reads.
enum ExactDecimal {
    /// The double nearest `digits / 10^power` (ties to even, as `strtod` rounds), when that is
    /// at least 1 and below 2^53; `nil` otherwise.
    ///
    /// The quotient is taken with 53 significant bits, `digits · 2^shift / 10^power`, in 128-bit
    /// integer arithmetic, and its remainder decides the rounding: exact, where dividing two
    /// doubles is not once `digits` passes 2^53 (17 digits).
    static func nearestDouble(_ digits: UInt64, overPowerOfTen power: Int) -> Double? {
        guard digits > 0, power < powersOfTen.count else { return nil }
        let divisor = powersOfTen[power]
        guard digits >= divisor else { return nil }
        // The quotient's bit length is that of digits minus that of the divisor, or one more.
        var shift = 53 - ((64 - digits.leadingZeroBitCount) - (64 - divisor.leadingZeroBitCount))
        for _ in 0..<2 {
            guard (0..<64).contains(shift) else { return nil }
            let shifted = shift == 0 ? (high: UInt64(0), low: digits) : (high: digits >> (64 - shift), low: digits << shift)
            var (quotient, remainder) = divisor.dividingFullWidth(shifted)
            if quotient >= 1 << 53 {
                shift -= 1
                continue
            }
            if quotient < 1 << 52 {
                shift += 1
                continue
            }
            if remainder > divisor - remainder || (remainder == divisor - remainder && quotient & 1 == 1) { quotient += 1 }
            return Double(sign: .plus, exponent: -shift, significand: Double(quotient))
        }
        return nil
    }

    /// 10^0 ... 10^19: the powers of ten a `UInt64` holds.
    static let powersOfTen: [UInt64] = (0...19).map { (0..<$0).reduce(1) { product, _ in product * 10 } }
}
