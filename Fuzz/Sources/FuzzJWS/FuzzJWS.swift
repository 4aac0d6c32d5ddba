import FuzzSupport

@testable import TokenKit

/// The compact JWS parse (CompactJWS, JOSEHeader, Base64URL) and the signature layer
/// (JWSVerifier) with the fuzz key set.
///
/// Asserts: nothing crashes or leaks; whatever parses has exactly three parts of strict
/// base64url that re-encode to exactly the given bytes (one encoding per byte string) and is at
/// most 8 KiB; a header the member-by-member reader accepts is also a JSON object for the tree
/// parser, with the same `alg`, `kid` and `typ`; a token whose signature verifies re-encodes to
/// exactly the given bytes.
@main
enum FuzzJWS {
    static func main() { runFuzzer(fuzzOne) }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    checkBase64URL(input)
    let parsed: Bool =
        (try? CompactJWS.withParts(of: input) { parts in
            checkParts(parts, input)
            return true
        }) ?? false
    if let token = exactString(input), let payload = try? JSONWireVerify.verify(token) {
        require(parsed, "a token whose signature verifies did not parse")
        require(reencodes(input), "a verified token does not re-encode to its bytes")
        require(Base64URL.encode(payload) == String(decoding: compactParts(input)![1], as: UTF8.self), "payload differs")
    }
    return 0
}

/// The signature layer against both fuzz keys.
enum JSONWireVerify {
    static func verify(_ token: String) throws -> [UInt8] { try JWSVerifier.verify(token, keys: FuzzWorld.keys) }
}

/// Strict base64url: what decodes re-encodes to the same text.
func checkBase64URL(_ input: UnsafeBufferPointer<UInt8>) {
    guard let decoded = Base64URL.decode(input) else { return }
    require(Array(Base64URL.encode(decoded).utf8) == Array(input), "base64url decode/encode is not the identity")
    require(decoded.count == Base64URL.decodedLength(input.count), "decoded length differs from decodedLength")
}

func checkParts(_ parts: CompactJWS.Parts, _ input: UnsafeBufferPointer<UInt8>) {
    require(input.count <= CompactJWS.maximumSize, "a token over 8 KiB parsed")
    // The signature is decoded only when checked, so only header and payload must be strict here.
    let pieces = compactParts(input)!
    require(pieces[0...1].allSatisfy(reencodes(_:)), "parsed header or payload does not re-encode to its bytes")
    require(Base64URL.encode(Array(parts.payload)) == String(decoding: pieces[1], as: UTF8.self), "payload re-encodes differently")
    let signature = try? parts.withSignature { Base64URL.encode(Array($0)) }
    require(signature == nil || signature == String(decoding: pieces[2], as: UTF8.self), "signature re-encodes differently")
    require(Array(parts.signingInput) == Array(pieces[0]) + [UInt8(ascii: ".")] + Array(pieces[1]), "signing input is not header.payload")

    // The header reader and the tree parser agree.
    guard let headerBytes = Base64URL.decode(String(decoding: pieces[0], as: UTF8.self)) else {
        require(false, "a parsed header is not base64url")
        return
    }
    let tree: JSONObject
    do { tree = try JSONValue.parseObject(headerBytes) } catch {
        require(false, "header accepted by JOSEHeader, refused by JSONValue: \(error)")
        return
    }
    require(tree["alg"]?.stringValue == parts.header.algorithm.rawValue, "alg differs between readers")
    require(tree["kid"]?.stringValue == (try? parts.header.keyID?.string()), "kid differs between readers")
    require(tree["typ"]?.stringValue == (try? parts.header.type?.string()), "typ differs between readers")
    for name in ["crit", "jwk", "jku", "x5u", "x5c"] { require(tree[name] == nil, "header with \(name) accepted") }
}

/// Whether every part decodes and re-encodes to exactly its own text.
func reencodes(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let pieces = compactParts(input) else { return false }
    return pieces.allSatisfy(reencodes(_:))
}

/// Whether one part decodes and re-encodes to exactly its own text.
func reencodes(_ piece: ArraySlice<UInt8>) -> Bool {
    guard let decoded = Base64URL.decode(String(decoding: piece, as: UTF8.self)) else { return false }
    return Array(Base64URL.encode(decoded).utf8) == Array(piece)
}
