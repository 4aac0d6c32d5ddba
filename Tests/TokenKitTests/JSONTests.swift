import Testing

@testable import TokenKit

@Suite struct JSONTests {
    private func parses(_ text: String) -> Bool {
        (try? JSONValue.parse(Array(text.utf8))) != nil
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"\u00e9\n"},"e":-1.5e3}"#, "[]", "{}", #""\ud83d\ude00""#, " 0 ",
    ])
    func acceptsStrictJSON(_ text: String) {
        #expect(parses(text))
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"x":{"b":1,"b":2}}"#,
        "{\"a\":1} x", "{'a':1}", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#,
        #"{"a":"\ud800"}"#, "{\"a\":\"\u{01}\"}", #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":"\x"}"#, "",
    ])
    func refusesInvalidOrAmbiguousJSON(_ text: String) {
        #expect(!parses(text))
    }

    @Test func refusesInvalidUTF8() {
        #expect((try? JSONValue.parse([0x22, 0xC3, 0x28, 0x22])) == nil)
    }

    @Test func refusesDeepNesting() {
        #expect(parses(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)))
        #expect(!parses(String(repeating: "[", count: 33) + String(repeating: "]", count: 33)))
    }

    @Test func detectsDuplicatesAmongManyMembers() {
        let members = (0..<40).map { "\"k\($0)\":0" } + ["\"k3\":1"]
        #expect(!parses("{" + members.joined(separator: ",") + "}"))
    }

    @Test func writesWhatItReads() throws {
        let text = #"{"s":"a\"b\\c\u0001","n":[1,2.5,-3],"t":true,"z":null}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(try JSONValue.parse(Array(value.jsonText.utf8)) == value)
    }
}
