import BearerAuth
import Testing

/// RFC 6750 §2.1: `Authorization: Bearer <token>`, the scheme in any case.
@Suite struct AuthorizationHeaderTests {
    @Test func readsTheTokenOfABearerHeader() {
        #expect(AuthorizationHeader.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(AuthorizationHeader.bearerToken("bEARER abc") == "abc")
        #expect(AuthorizationHeader.bearerToken("Bearer  \tabc \t") == "abc")
    }

    @Test func anotherSchemeOrNoTokenIsNoBearerToken() {
        for header in [nil, "", "Bearer", "Bearer ", "Bearer \t ", "Basic YWxpY2U6cHc=", "Bearerabc", "Beare abc", "Bearér abc"] {
            #expect(AuthorizationHeader.bearerToken(header) == nil, "\(header ?? "nil")")
        }
    }

    @Test func keepsWhatIsInsideTheTokenAsItIs() {
        // Only spaces and tabs around the token are dropped: the verifier judges the rest.
        #expect(AuthorizationHeader.bearerToken("Bearer a b") == "a b")
        #expect(AuthorizationHeader.bearerToken("Bearer \u{00A0}abc") == "\u{00A0}abc")
    }
}
