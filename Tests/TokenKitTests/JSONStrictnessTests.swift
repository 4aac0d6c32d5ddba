import Foundation
import Testing

@testable import TokenKit

/// Every place where TokenKit's JSON parser deliberately differs from Foundation's
/// JSONSerialization (the reference of the differential fuzz target, docs/FUZZING.md). Each
/// input is accepted by the reference and refused by us with the reason the fuzz target
/// recognises; the last two are values both accept that the reference changes.
@Suite struct JSONStrictnessTests {
    private func reason(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch let error as TokenError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    private func referenceAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "duplicate member name"),
        (#"[{"x":{"b":1,"b":2}}]"#, "duplicate member name"),
        (String(repeating: "[", count: 33) + String(repeating: "]", count: 33), "nesting deeper than 32"),
        // The reference reads the huge number only if no later, canonically equal name replaces it.
        ("{\"e\u{301}\":1e4001,\"\u{E9}\":2}", "number out of range"),
    ])
    func refusesWhatTheReferenceAccepts(_ text: String, _ expected: String) {
        #expect(reason(Array(text.utf8)) == expected)
        #expect(referenceAccepts(Array(text.utf8)))
    }

    /// Not differences, though they look like ones: the reference refuses these too.
    @Test(arguments: [("1e400", "number out of range"), ("-1e400", "number out of range"), (#""\ud800""#, "unpaired surrogate")])
    func refusesLikeTheReference(_ text: String, _ expected: String) {
        #expect(reason(Array(text.utf8)) == expected)
        #expect(!referenceAccepts(Array(text.utf8)))
    }

    /// A byte order mark, NUL bytes that make the reference guess UTF-16 or UTF-32, and a
    /// trailing comma: refused at the byte that is not JSON.
    @Test(arguments: [
        [0xEF, 0xBB, 0xBF] + Array("{}".utf8),
        Array("1\0".utf8),
        Array("[1,]".utf8),
        Array(#"{"a":1 , }"#.utf8),
    ])
    func refusesWhatIsNotJSONInUTF8(_ bytes: [UInt8]) {
        #expect(reason(bytes) != nil)
        #expect(referenceAccepts(bytes))
    }

    /// The reference drops U+FEFF at the start of a string and after an escape (inputs the
    /// fuzz target found: Fuzz/corpus/json/regression-bom-*); we keep every scalar.
    @Test func keepsZeroWidthNoBreakSpaces() throws {
        let text = "{\"\u{FEFF}nested\":\"\u{FEFF}x\\n\u{FEFF}y\"}"
        let object = try JSONValue.parseObject(Array(text.utf8))
        #expect(object.members.first?.name.unicodeScalars.first == "\u{FEFF}")
        #expect(object.members.first?.value.stringValue == "\u{FEFF}x\n\u{FEFF}y")
    }

    /// Long numbers are read correctly rounded, as `Double(String)` reads them. The reference
    /// keeps them as a Decimal whose `doubleValue` is off in the last digits, which the fuzz
    /// target compares through the Decimal's text instead (Fuzz/corpus/json/regression-long-mantissa).
    @Test(arguments: ["123645781234567890123456785e-90", "-1236457812345678901289012347890", "5e-324", "1e308"])
    func readsLongNumbersCorrectlyRounded(_ text: String) throws {
        #expect(try JSONValue.parse(Array(text.utf8)) == .number(Double(text)!))
    }

    /// Names that differ in bytes are different names, even when canonically equivalent
    /// (the reference's dictionary merges them); lookups by name compare bytes too.
    @Test func keepsCanonicallyEquivalentNamesApart() throws {
        let object = try JSONValue.parseObject(Array("{\"e\u{301}\":1,\"\u{E9}\":2}".utf8))
        #expect(object.members.count == 2)
        #expect(object["\u{E9}"] == .number(2))
        #expect(object["e\u{301}"] == .number(1))
        #expect(try JSONValue.parseObject(Array("{\"\u{212A}\":1}".utf8))["K"] == nil)
    }
}
