import TokenKit

/// The fixed world the token targets run in: the public halves of Fuzz/keys/*.jwk (test keys
/// made for fuzzing, never used anywhere else), one issuer, one audience and one clock, so
/// that the seed tokens of Fuzz/corpus (made by Fuzz/make-corpus) verify.
public enum FuzzWorld {
    /// The JWKS of the ES256 key `fuzz-es256` and the RS256 key `fuzz-rs256`.
    public static let jwks =
        #"{"keys":[{"kty":"EC","crv":"P-256","kid":"fuzz-es256","alg":"ES256","use":"sig","x":"KoF0x5WtmBxmBklOmQ7ZfBZPRJEZ3Hk5zEzL-docavY","y":"i8M8oPM6WA6qXQmu3GdP7x7DOQs0IvEjNqvqLcagvJY"},{"kty":"RSA","kid":"fuzz-rs256","alg":"RS256","use":"sig","n":"yQy-MnAzOSa-vpau4VIcseswQFUAIQ-0sZYtZAexjg0ZDpBCTL8jScWoRX35Kq8fqkhY3jdg_jqgA99Vdc6AKXZObrQp86O4cRmIDceLmvTdXE1rsXxmHQXMk3W-vTFLoEokn4E97mkWsS2JGTI5_LDxDvDaP1lEt7M5xro7TxMZl0520Aq0dX5dYbLggRmvSfh9Gvi7kIsCooMhvqjQDdfGiAy_ZY-Yo5C7z8ci2-inE51BMGmS4d2HvxBRO7uG3U_PEKCK2YPziFYnHgLHLMzYFJHgXMYbRV7DCCrV1ubUFpe23P_eHnr9CbdxscfYPB8K3e4Rsz5ghFLnHwE2zQ","e":"AQAB"}]}"#

    /// The key set read from ``jwks``.
    public static let keys: KeySet = {
        do { return try KeySet(jwks: Array(jwks.utf8)) } catch { fatalError("the fuzz JWKS is refused: \(error)") }
    }()

    /// `iss` of the seed tokens.
    public static let issuer = "https://issuer.fuzz.test"
    /// `aud` of the seed tokens. It holds `K` and `;`, which non-ASCII characters (U+212A
    /// KELVIN SIGN, U+037E GREEK QUESTION MARK) are canonically equivalent to, so that a
    /// comparison that is not byte-exact (Swift's `String ==`) shows up as an invariant failure.
    public static let audience = "urn:fuzz:API;K"
    /// The verifiers' clock: inside the seed tokens' lifetime (iat 1,800,000,000, exp +900 s).
    public static let now: Double = 1_800_000_100

    /// The policy of the seed tokens, with the default leeway.
    public static let policy: ValidationPolicy = {
        do { return try ValidationPolicy(issuer: issuer, audience: audience) } catch { fatalError("\(error)") }
    }()
}
