import Foundation
import FuzzSupport

@testable import TokenKit

/// The JSON scanner (JSONValue.parse), differential against Foundation's JSONSerialization
/// for valid UTF-8.
///
/// Asserts: nothing crashes or leaks; an accepted value re-parses from its written form
/// (JSONWriter) to the same value; for valid UTF-8 input, a value we accept is accepted by
/// JSONSerialization with the same content, and a value only JSONSerialization accepts falls
/// under one of the deliberate strictness rules (``Strictness``), each of which docs/FUZZING.md
/// lists and Tests/TokenKitTests/JSONStrictnessTests.swift pins.
@main
enum FuzzJSON {
    static func main() { runFuzzer(fuzzOne) }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let ours = Result { try JSONValue.parse(input) }
    if case .success(let value) = ours {
        require(exactString(input) != nil, "accepted input that is not valid UTF-8")
        let written = Array(value.jsonText.utf8)
        require((try? JSONValue.parse(written)) == value, "written form does not re-parse to the same value: \(value.jsonText)")
    }
    guard exactString(input) != nil else { return 0 }
    let theirs = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])
    switch (ours, theirs) {
    case (.success(let value), .some(let reference)):
        if let mismatch = Difference.between(value, reference) {
            require(Strictness.explainsSameAcceptance(value), "values differ (\(mismatch)) for \(hex(input))")
        }
    case (.success(let value), .none):
        require(false, "we accept, JSONSerialization refuses: \(value.jsonText) from \(hex(input))")
    case (.failure(let error), .some):
        require(Strictness.explains(error, input), "JSONSerialization accepts, we refuse (\(error)): \(hex(input))")
    case (.failure, .none):
        break
    }
    return 0
}

func hex(_ input: UnsafeBufferPointer<UInt8>) -> String { input.map { String(format: "%02x", $0) }.joined() }

/// Where TokenKit's parser is deliberately stricter than JSONSerialization, or where the
/// reference's data model cannot show what ours keeps.
enum Strictness {
    /// Whether our refusal is one of the deliberate ones.
    static func explains(_ error: any Error, _ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let error = error as? TokenError, error.code == .invalidJSON else { return false }
        switch error.reason {
        // 1. Duplicate member names at any depth (RFC 8259 §4 allows them; RFC 7515 §4 and
        //    RFC 7519 §4 require refusing them; the reference keeps the last).
        case "duplicate member name": return true
        // 2. Nesting deeper than 32 (the reference allows 512 or more).
        case "nesting deeper than \(JSONScanner.maxDepth)": return true
        // 6. A number beyond a double's range (RFC 8259 §6 lets a parser limit them). The
        //    reference refuses these too, except where a later member with a canonically
        //    equivalent name replaces the value before it is read (found by the long run).
        case "number out of range": return true
        default:
            // 3. NUL bytes among the first four: the reference guesses UTF-16 or UTF-32 from
            //    them (RFC 4627 §3), we read UTF-8 only (RFC 8259 §8.1).
            if input.prefix(4).contains(0) { return true }
            // 4. A byte order mark (RFC 8259 §8.1: implementations MAY ignore it; we never do):
            //    explained when the rest alone is accepted, or refused for an explained reason.
            if input.starts(with: [0xEF, 0xBB, 0xBF]) { return acceptedOrExplained(Array(input.dropFirst(3))) }
            // 5. A comma before `]` or `}` (not JSON; the reference accepts it): likewise once
            //    every such comma is removed.
            let withoutTrailingCommas = removingTrailingCommas(input)
            if withoutTrailingCommas.count < input.count { return acceptedOrExplained(withoutTrailingCommas) }
            return false
        }
    }

    static func acceptedOrExplained(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            do {
                _ = try JSONValue.parse(buffer)
                return true
            } catch {
                return explains(error, buffer)
            }
        }
    }

    /// The text without every `,` that is followed, outside strings, by white space and `]` or `}`.
    static func removingTrailingCommas(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var inString = false, escaped = false
        var pendingComma: Int?
        for byte in input {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                output.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if let comma = pendingComma { output.remove(at: comma) }
                pendingComma = nil
            case UInt8(ascii: ","): pendingComma = output.count
            case 0x20, 0x09, 0x0A, 0x0D: break
            case UInt8(ascii: "\""):
                inString = true
                pendingComma = nil
            default: pendingComma = nil
            }
            output.append(byte)
        }
        return output
    }

    /// Whether both accept but the reference's model cannot hold ours: two member names that
    /// differ in bytes but are canonically equivalent (or equal but for U+FEFF, see
    /// ``Reference``) become one key of a Swift dictionary.
    static func explainsSameAcceptance(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let object):
            if Set(object.names.map(Reference.form)).count != object.names.count { return true }
            return object.members.contains { explainsSameAcceptance($0.value) }
        case .array(let elements): return elements.contains(where: explainsSameAcceptance)
        default: return false
        }
    }
}

/// What the reference does to values that we keep as they are.
enum Reference {
    /// JSONSerialization drops U+FEFF at the start of a string and after an escape sequence
    /// (it decodes each run of unescaped bytes on its own and takes a leading U+FEFF for a byte
    /// order mark); we keep every scalar, as RFC 8259 §7 says. Strings are compared without
    /// U+FEFF on both sides.
    static func form(_ string: String) -> String {
        guard string.unicodeScalars.contains("\u{FEFF}") else { return string }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: string.unicodeScalars.lazy.filter { $0 != "\u{FEFF}" })
        return String(scalars)
    }
}

/// The first difference between our value and JSONSerialization's, or nil.
enum Difference {
    static func between(_ value: JSONValue, _ reference: Any) -> String? {
        switch value {
        case .null:
            return reference is NSNull ? nil : "null vs \(type(of: reference))"
        case .bool(let flag):
            guard let number = reference as? NSNumber, number.boolValue == flag else { return "bool vs \(reference)" }
            return nil
        case .number(let number):
            guard let other = reference as? NSNumber, !(reference is NSNull) else { return "number vs \(type(of: reference))" }
            // The reference keeps long numbers as Decimal, whose doubleValue is not correctly
            // rounded (found by this target: Fuzz/corpus/json/regression-long-mantissa); its
            // decimal text, read as a Double, is.
            let referenceValue = Double(other.stringValue) ?? other.doubleValue
            return closeEnough(number, referenceValue) ? nil : "number \(number) vs \(other)"
        case .string(let string):
            guard let other = reference as? String else { return "string vs \(type(of: reference))" }
            // Scalar by scalar: String's == would hide a normalisation difference.
            return Array(Reference.form(string).unicodeScalars) == Array(Reference.form(other).unicodeScalars)
                ? nil : "string \(string.debugDescription) vs \(other.debugDescription)"
        case .array(let elements):
            guard let other = reference as? [Any], other.count == elements.count else { return "array vs \(reference)" }
            for (mine, theirs) in zip(elements, other) { if let difference = between(mine, theirs) { return difference } }
            return nil
        case .object(let object):
            guard let dictionary = reference as? [String: Any] else { return "object vs \(reference)" }
            var other: [String: Any] = [:]
            for (name, value) in dictionary { other[Reference.form(name)] = value }
            guard other.count == object.members.count else { return "object of \(object.members.count) vs \(dictionary)" }
            for member in object.members {
                guard let theirs = other[Reference.form(member.name)] else { return "member \(member.name.debugDescription) missing" }
                if let difference = between(member.value, theirs) { return difference }
            }
            return nil
        }
    }

    /// Equal, or within one part in 10^15: a Decimal holds at most 38 digits, so its text can
    /// round to a neighbouring Double.
    static func closeEnough(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-15 * max(abs(a), abs(b))
    }
}
