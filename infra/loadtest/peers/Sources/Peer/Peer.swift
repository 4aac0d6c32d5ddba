import Foundation
import Hummingbird

/// `peer bare --port N` or `peer jwt-kit --port N --jwks FILE --issuer URL --audience AUD
/// [--leeway 30]`: one of the load test's two peers on 127.0.0.1 (infra/loadtest/peers/README.md).
@main
struct Peer {
    static func main() async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: try options.integer("port")))
        switch options.mode {
        case "bare":
            try await Application(router: bareRouter(), configuration: configuration).runService()
        case "jwt-kit":
            let policy = try ClaimsPolicy(
                issuer: options.string("issuer"), audience: options.string("audience"),
                leeway: TimeInterval(options.integer("leeway", default: 30)))
            let keys = try await TrustedKeys.load(jwksFile: options.string("jwks"))
            try await Application(router: jwtKitRouter(keys: keys, policy: policy), configuration: configuration).runService()
        default:
            throw Options.Invalid(description: "usage: peer bare|jwt-kit --port N [--jwks FILE --issuer URL --audience AUD]")
        }
    }
}
