import Foundation
import TokenKit

// Repeats one TokenKit operation on the benchmark suite's kind of token, for a profiler:
//
//   TokenProfile es256|rs256 inspect|verify|hit ITERATIONS
//
// inspect = inspectWithoutSignature, verify = verify with the cache off, hit = verify again
// with the default cache. The claims and `now` are fixed so that runs compare instruction
// for instruction; only the key (and so the signature) is new each run.
let arguments = CommandLine.arguments
guard arguments.count == 4, let iterations = Int(arguments[3]), ["inspect", "verify", "hit"].contains(arguments[2])
else {
    print("usage: TokenProfile es256|rs256 inspect|verify|hit ITERATIONS")
    exit(2)
}
let key = try SigningKey.generate(arguments[1] == "rs256" ? .rs256 : .es256)
let now = 1_795_000_000.0
let claims = AccessTokenClaims(
    issuer: "https://issuer.example", subject: "user-1f0c6a2e-5b7d-4e8a-9c31-0d2b7f4e6a90",
    audience: ["api"], expiresAt: now + 900, notBefore: now - 60, issuedAt: now - 60,
    tokenID: "AAECAwQFBgcICQoLDA0ODw", sessionID: "EBESExQVFhcYGRobHB0eHw", roles: ["reader", "writer"])
let token = try AccessTokenSigner(key: key).sign(claims)
let keys = KeyDirectory(try KeySet([key.verificationKey]))
let policy = try ValidationPolicy(issuer: "https://issuer.example", audience: "api")
let verifier = AccessTokenVerifier(policy: policy, keys: keys, cacheCapacity: arguments[2] == "hit" ? 100_000 : 0)
var roles = 0
for _ in 0..<iterations {
    switch arguments[2] {
    case "inspect": roles &+= try verifier.inspectWithoutSignature(token, now: now).roles.count
    default: roles &+= try verifier.verify(token, now: now).roles.count
    }
}
print("\(arguments[1]) \(arguments[2]) x\(iterations): token \(token.utf8.count) bytes, \(roles) roles read")
