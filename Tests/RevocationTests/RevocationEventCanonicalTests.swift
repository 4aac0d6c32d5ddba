import AuthEvents
import TestSupport
import Testing

@testable import Revocation

/// The fast path for the issuer's own form of a revocation (`CanonicalRevocation`) must
/// never disagree with `RevocationEvent(decoding:)`: whatever it accepts, the full decoder accepts with
/// the same event; what it does not accept, the feed hands to the full decoder.
@Suite struct RevocationEventCanonicalTests {
    static let now = 1_795_455_601.123_456_7

    static let issuerWritten: [RevocationEvent] = [
        RevocationEvent(target: .token(id: "3q2-7wGkTVqK1uUu0cGr9g"), expiresAt: now + 900, revokedAt: now, issuer: Fixture.issuer),
        RevocationEvent(
            target: .session(id: "Yl2m1VJfQd6Kp6c3xY9W0A"), expiresAt: 1_795_456_530, revokedAt: 1_795_455_602, issuer: Fixture.issuer),
        RevocationEvent(target: .token(id: "x"), expiresAt: 946_684_800, revokedAt: 7_258_118_400, issuer: Fixture.issuer),
        RevocationEvent(
            target: .token(id: String(repeating: "a", count: 256)), expiresAt: now + 0.5, revokedAt: now, issuer: Fixture.issuer),
        RevocationEvent(target: .token(id: "with space and ~ and \u{7F}"), expiresAt: now, revokedAt: now, issuer: Fixture.issuer),
    ]

    /// Events as the issuer encodes them: the fast path takes every jti and sid one.
    @Test(arguments: issuerWritten)
    func theIssuersFormIsReadLikeTheFullDecoderReadsIt(event: RevocationEvent) throws {
        let bytes = event.encoded
        #expect(CanonicalRevocation(bytes, issuer: Array(Fixture.issuer.utf8)) == CanonicalRevocation(of: event))
        #expect(try RevocationEvent(decoding: bytes) == event)
    }

    static let otherEvents: [RevocationEvent] = [
        RevocationEvent(target: .subject(id: "alice", issuedBefore: now), expiresAt: now, revokedAt: now, issuer: Fixture.issuer),
        RevocationEvent(target: .token(id: "quote\"d"), expiresAt: now, revokedAt: now, issuer: Fixture.issuer),
        RevocationEvent(target: .token(id: "é"), expiresAt: now, revokedAt: now, issuer: Fixture.issuer),
    ]

    /// Member order and spacing other than the issuer's, and what the full decoder refuses.
    static let otherTexts: [String] = [
        #"{"version":2,"type":"revocation","issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601} "#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1.7954565e9,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601,"x":1}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"","expiresAt":1795456500,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":946684799,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":7258118400.5,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":01795456500,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500.,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a\u0001","expiresAt":1795456500,"revokedAt":1795455601}"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601"#,
        #"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":1795456500,"revokedAt":1795455601}}"#,
        String(repeating: "a", count: 300),
    ]

    /// Anything else goes to the full decoder, which accepts it or gives the reason.
    @Test func everythingElseIsLeftToTheFullDecoder() {
        let others = Self.otherEvents.map { $0.encoded } + Self.otherTexts.map { Array($0.utf8) }
        for bytes in others {
            #expect(CanonicalRevocation(bytes, issuer: Array(Fixture.issuer.utf8)) == nil, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test func aValueOfMoreThan256BytesIsLeftToTheFullDecoder() {
        let event = RevocationEvent(
            target: .token(id: String(repeating: "a", count: 257)), expiresAt: Self.now, revokedAt: Self.now, issuer: Fixture.issuer)
        let bytes = event.encoded
        #expect(CanonicalRevocation(bytes, issuer: Array(Fixture.issuer.utf8)) == nil)
        #expect(throws: EventError.self) { try RevocationEvent(decoding: bytes) }
    }

    /// Times as the issuer writes them (the shortest form of `Date().timeIntervalSince1970`,
    /// 16 or 17 digits) and with other digit counts: the conversion gives the double `strtod`
    /// gives, to the last bit. On the tests' heavy lane: 40,000 conversions are seconds of CPU.
    @Test func timesConvertAsStrtodConvertsThem() async throws {
        let mismatches = try await onTheHeavyLane { Self.timesConvertedUnlikeStrtod() }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// The times of ``timesConvertAsStrtodConvertsThem()`` that convert to another double.
    static func timesConvertedUnlikeStrtod() -> [String] {
        var generator = SystemRandomNumberGenerator()
        var texts = [
            "946684800", "7258118400", "1795455601.5", "1795455601.000001", "1795455601.999999",
            "1795455601.1234567", "1795455601.12345678901234567890", "4503599627.370496", "7258118399.9999999",
        ]
        for _ in 0..<20_000 {
            let fraction = Int.random(in: 0...9, using: &generator)
            let digits = (0..<fraction).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            texts.append("\(Int.random(in: 946_684_800...7_258_118_399, using: &generator))" + (fraction > 0 ? "." + digits : ""))
        }
        for _ in 0..<20_000 {
            texts.append("\(Double.random(in: 946_684_800...7_258_118_400, using: &generator))")
        }
        return texts.filter { text in
            let bytes =
                Array(#"{"type":"revocation","version":2,"issuer":"http://127.0.0.1:8080","kind":"jti","value":"a","expiresAt":"#.utf8)
                + Array(text.utf8)
                + Array(#","revokedAt":1795455601}"#.utf8)
            return CanonicalRevocation(bytes, issuer: Array(Fixture.issuer.utf8))?.expiresAt.bitPattern != Double(text)!.bitPattern
        }
    }

    /// The exact conversion over its whole domain, not only the events' times: any 1 to 19
    /// digits over any power of ten up to 10^19, against `strtod`.
    @Test func theExactConversionMatchesStrtodOverItsDomain() {
        var generator = SystemRandomNumberGenerator()
        var converted = 0
        for _ in 0..<50_000 {
            let digits = UInt64.random(in: 1...9_999_999_999_999_999_999 >> UInt64.random(in: 0...60, using: &generator), using: &generator)
            let power = Int.random(in: 0...19, using: &generator)
            let text = String(digits)
            let decimal =
                power == 0
                ? text
                : power >= text.count
                    ? "0." + String(repeating: "0", count: power - text.count) + text
                    : String(text.dropLast(power)) + "." + String(text.suffix(power))
            let expected = Double(decimal)!
            guard let exact = ExactDecimal.nearestDouble(digits, overPowerOfTen: power) else {
                #expect(expected < 1 || expected >= 0x1p53, "\(decimal)")
                continue
            }
            converted += 1
            #expect(exact.bitPattern == expected.bitPattern, "\(decimal)")
        }
        #expect(converted > 10_000)
    }

    /// Every one-byte change of issuer-written events: the fast path accepts a change only if
    /// the full decoder accepts it too, with the same result.
    @Test func neverAcceptsWhatTheFullDecoderReadsDifferently() {
        var generator = SystemRandomNumberGenerator()
        let events = [
            RevocationEvent(
                target: .token(id: "3q2-7wGkTVqK1uUu0cGr9g"), expiresAt: Self.now + 900, revokedAt: Self.now, issuer: Fixture.issuer),
            RevocationEvent(
                target: .session(id: "Yl2m1VJfQd6Kp6c3xY9W0A"), expiresAt: 1_795_456_530, revokedAt: 1_795_455_602, issuer: Fixture.issuer),
        ]
        let replacements: [UInt8] = Array("\"\\{}:,.eE+-019 aZ".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for event in events {
            let original = event.encoded
            for index in original.indices {
                for replacement in replacements + [UInt8.random(in: 0...255, using: &generator)] {
                    var mutated = original
                    mutated[index] = replacement
                    guard let fast = CanonicalRevocation(mutated, issuer: Array(Fixture.issuer.utf8)) else { continue }
                    accepted += 1
                    #expect(
                        CanonicalRevocation(of: try? RevocationEvent(decoding: mutated)) == fast,
                        "\(String(decoding: mutated, as: UTF8.self))")
                }
                var shortened = original
                shortened.remove(at: index)
                if let fast = CanonicalRevocation(shortened, issuer: Array(Fixture.issuer.utf8)) {
                    #expect(CanonicalRevocation(of: try? RevocationEvent(decoding: shortened)) == fast)
                }
            }
        }
        #expect(accepted > 0)
    }
}

extension CanonicalRevocation {
    /// What the fast path should read from the encoding of `event`: `nil` for a subject one.
    init?(of event: RevocationEvent) {
        switch event.target {
        case .token(let id): self.init(isSession: false, id: RevocationID(id), expiresAt: event.expiresAt, revokedAt: event.revokedAt)
        case .session(let id): self.init(isSession: true, id: RevocationID(id), expiresAt: event.expiresAt, revokedAt: event.revokedAt)
        case .subject: return nil
        }
    }

    /// What the fast path should read where the full decoder read `event`.
    init?(of event: RevocationEvent?) {
        guard let event else { return nil }
        self.init(of: event)
    }
}
