import Crypto
import FuzzSupport
import TokenKit

/// What the issuer reads from a request before anything is verified: the `Authorization:
/// Bearer` header (BearerAuth's AuthorizationHeader), the refresh token presented in the cookie
/// or body (RefreshToken(presented:)) and the JSON body (JSONValue.parseObject, then the
/// members login and refresh read).
///
/// These live in BearerAuth and in the issuer's executable target, which a fuzz executable
/// cannot link without Kafka, Redis, Hummingbird and NIO under the sanitizer; the pure files are
/// compiled in here through the symlinks in Linked/ (docs/FUZZING.md). The Cookie header itself
/// is split by Hummingbird's `Cookies`, not by our code.
///
/// The first byte of the input chooses the reader; the rest is its input.
///
/// Asserts: nothing crashes or leaks; a bearer token is a non-empty part of the header without
/// leading or trailing blanks, after a case-insensitive `Bearer ` scheme, and reads back the
/// same from `Bearer <token>`; a presented refresh token is 64 characters of strict base64url of
/// 48 bytes (a 16-byte sid first) whose digest is 64 lower-case hex digits; a body the issuer accepts is an object.
@main
enum FuzzIssuerRequest {
    static func main() { runFuzzer(fuzzOne) }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let selector = input.first else { return 0 }
    let rest = UnsafeBufferPointer(rebasing: input[1...])
    switch selector % 3 {
    case 0: checkBearer(String(decoding: rest, as: UTF8.self))
    case 1: checkRefreshToken(String(decoding: rest, as: UTF8.self))
    default: checkBody(rest)
    }
    return 0
}

func checkBearer(_ header: String) {
    guard let token = AuthorizationHeader.bearerToken(header) else { return }
    let blanks: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\t")]
    let bytes = Array(token.utf8)
    require(!bytes.isEmpty && !blanks.contains(bytes.first!) && !blanks.contains(bytes.last!), "token with blanks at its ends")
    require(header.utf8.count >= 7 && Array(header.utf8.prefix(7)).map { $0 | 0x20 } == Array("bearer ".utf8), "no Bearer scheme")
    require(header.contains(token), "token is not part of the header")
    require(AuthorizationHeader.bearerToken("Bearer " + token) == token, "token does not read back")
}

func checkRefreshToken(_ text: String) {
    guard let token = RefreshToken(presented: text) else { return }
    require(token.text == text && text.utf8.count == RefreshToken.textLength, "refresh token of the wrong length")
    require(token.bytes.count == RefreshToken.byteCount, "refresh token of the wrong size")
    require(Base64URL.encode(token.bytes) == text, "refresh token is not strict base64url")
    require(Base64URL.decode(token.sessionID)?.count == 16, "the session id is not 16 bytes of base64url")
    let digest = token.digest
    let hexDigits = Array("0123456789abcdef".utf8)
    require(digest.utf8.count == 64 && digest.utf8.allSatisfy(hexDigits.contains), "digest is not lower-case hex")
}

/// The body rules of RequestReading (the issuer's executable): a strict JSON object of at most
/// 16 KiB, then string members of bounded size and an optional boolean flag.
func checkBody(_ body: UnsafeBufferPointer<UInt8>) {
    guard body.count <= 16 * 1024, let object = try? JSONValue.parseObject(body) else { return }
    for (name, maximum) in [("username", 256), ("password", 1024), ("refresh_token", 128)] {
        if let value = object[name]?.stringValue, !value.isEmpty, value.utf8.count <= maximum {
            require(value.utf8.count <= maximum, "member over its bound")
            if name == "refresh_token" { checkRefreshToken(value) }
        }
    }
    _ = object["refresh_token_in_body"].map { if case .bool = $0 { true } else { false } }
}
