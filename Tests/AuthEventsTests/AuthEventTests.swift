import AuthEvents
import Testing

/// What every event shares: the `type` and `version` header and strict JSON.
@Suite struct EventFieldsTests {
    private func code(_ text: String, type: String = "revocation") -> EventError.Code? {
        do {
            _ = try EventFields(decoding: Array(text.utf8), type: type, version: 1)
            return nil
        } catch let error as EventError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func refusesOtherTypesAndVersions() {
        #expect(code(#"{"type":"key","version":2}"#, type: "key") == .unsupportedVersion)
        #expect(code(#"{"type":"revocation","version":9}"#) == .unsupportedVersion)
        #expect(code(#"{"type":"party","version":1}"#) == .unknownType)
        #expect(code(#"{"type":"key","version":1}"#) == .unknownType)
        #expect(code(#"{"type":"revocation","version":1}"#) == nil)
    }

    @Test func refusesMalformedHeaders() {
        #expect(code("not json") == .malformed)
        #expect(code(#"{"type":"revocation","version":1,"type":"key"}"#) == .malformed)
        #expect(code(#"{"type":"revocation","version":"1"}"#) == .malformed)
        #expect(code(#"{"version":1}"#) == .malformed)
    }

    @Test func encodesTheHeaderFirst() {
        let bytes = EventFields.encode(type: "revocation", version: 1, [("kind", .string("jti"))])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"type":"revocation","version":1,"kind":"jti"}"#)
    }
}
