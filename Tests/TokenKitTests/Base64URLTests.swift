import Testing

@testable import TokenKit

@Suite struct Base64URLTests {
    @Test func roundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func usesTheURLSafeAlphabetWithoutPadding() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(arguments: ["Zm9v=", "Zm9v====", "Zm 9v", "Zm9v\n", "Zm+v", "Zm/v", "Z", "Zm9vY", "Zh", "Zm9"])
    func refusesNonStrictInput(_ text: String) {
        // "Zh" and "Zm9" leave non-zero bits in their last character.
        #expect(Base64URL.decode(text) == nil)
    }
}
