import Foundation
import TestSupport
import Testing

/// Drives the built `tokenctl` executable: its outputs and its exit statuses 0, 1 and 2.
@Suite(.timeLimit(.minutes(1)))
struct TokenCtlTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tokenctl")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tokenctl")
    }

    /// Runs the executable to its end, off the cooperative pool.
    static func run(_ arguments: [String]) async throws -> Run {
        try await offThePool { try runBlocking(arguments) }
    }

    private static func runBlocking(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenctl-\(UUID().uuidString)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func claims(exp offset: Int = 600) -> String {
        let now = Int(Date().timeIntervalSince1970)
        return
            #"{"iss":"https://issuer.test","sub":"alice","aud":"api","exp":\#(now + offset),"nbf":\#(now),"iat":\#(now),"jti":"j1","sid":"s1","roles":["user"]}"#
    }

    /// Generates a key, writes the private JWK and a JWKS of its public half.
    static func keyFiles(_ alg: String) async throws -> (privateKey: String, jwks: String) {
        let keygen = try await run(["keygen", "--alg", alg])
        #expect(keygen.status == 0)
        let jwk = try #require(JSONSerialization.jsonObject(with: Data(keygen.stdout.utf8)) as? [String: Any])
        let publicJWK = jwk.filter { !["d", "p", "q", "dp", "dq", "qi"].contains($0.key) }
        let jwks = try JSONSerialization.data(withJSONObject: ["keys": [publicJWK]])
        return (try temporaryFile(keygen.stdout), try temporaryFile(String(decoding: jwks, as: UTF8.self)))
    }

    @Test(arguments: ["ES256", "RS256"])
    func signsAndVerifies(_ alg: String) async throws {
        let files = try await Self.keyFiles(alg)
        let sign = try await Self.run(["sign", "--key", files.privateKey, "--claims", Self.claims()])
        #expect(sign.status == 0)
        let token = sign.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verify = try await Self.run(["verify", "--jwks", files.jwks, "--issuer", "https://issuer.test", "--audience", "api", token])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("\"sub\":\"alice\""))
        let jws = try await Self.run(["verify-jws", "--jwk", files.jwks, token])
        #expect(jws.status == 0)
    }

    @Test func refusalsExitWithOneAndOneLine() async throws {
        let files = try await Self.keyFiles("ES256")
        let expired = try await Self.run(["sign", "--key", files.privateKey, "--claims", Self.claims(exp: -120)]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verify = try await Self.run(["verify", "--jwks", files.jwks, "--issuer", "https://issuer.test", "--audience", "api", expired])
        #expect(verify.status == 1)
        #expect(verify.stdout.isEmpty)
        #expect(verify.stderr == "invalid: expired: token has expired\n")
        let garbage = try await Self.run(["verify-jws", "--jwk", files.jwks, "not.a.token!"])
        #expect(garbage.status == 1)
        #expect(garbage.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsExitWithTwo() async throws {
        #expect(try await Self.run(["verify", "--jwks", "x"]).status == 2)
        #expect(try await Self.run(["keygen", "--alg", "HS256"]).status == 2)
        #expect(try await Self.run(["frobnicate"]).status == 2)
        #expect(try await Self.run(["--help"]).status == 0)
    }

    @Test func decodeSaysItDidNotVerify() async throws {
        let files = try await Self.keyFiles("ES256")
        let token = try await Self.run(["sign", "--key", files.privateKey, "--claims", Self.claims()]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let decode = try await Self.run(["decode", token])
        #expect(decode.status == 0)
        #expect(decode.stdout.contains("\"verified\":false"))
        #expect(decode.stderr.contains("NOT verified"))
    }
}
