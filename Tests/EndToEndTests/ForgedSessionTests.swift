import Foundation
import TestSupport
import Testing

/// Issue 18's third bar, against the real issuer: a session and a refresh record written
/// straight into Redis (as anyone with write access to it could) give `invalid_grant`, and no
/// token is minted.
extension EndToEnd {
    @Suite(.timeLimit(.minutes(1)))
    struct ForgedSessionTests {
        /// Runs a program with `input` on stdin and returns its stdout.
        static func run(_ arguments: [String], input: [UInt8] = []) async throws -> String {
            try await offThePool {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = arguments
                let stdin = Pipe(), stdout = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                try process.run()
                stdin.fileHandleForWriting.write(Data(input))
                try stdin.fileHandleForWriting.close()
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: output, as: UTF8.self)
            }
        }

        static func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        @Test func aForgedSessionAndRefreshRecordMintNothing() async throws {
            let redis = ["redis-cli", "-p", Cluster.environment("REDIS_PORT")]
            // A real session's tags, to copy.
            let real = try await Client.alice()
            let realBytes = try #require(
                Data(
                    base64Encoded: real.refreshCookie.replacingOccurrences(of: "-", with: "+")
                        .replacingOccurrences(of: "_", with: "/")))
            let realDigest = String(try await Self.run(["sha256sum"], input: Array(realBytes)).prefix(64))
            let realTag = try await Self.run(redis + ["HGET", "refresh:\(realDigest)", "mac"]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(realTag.contains("."), "the issuer's records carry a tag")
            var minted = 0
            for copyTags in [false, true] {
                let sid = (0..<16).map { _ in UInt8.random(in: 0...255) }
                let bytes = sid + (0..<32).map { _ in UInt8.random(in: 0...255) }
                let digest = String(try await Self.run(["sha256sum"], input: bytes).prefix(64))
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let sidText = Self.base64URL(sid)
                var session = [
                    "HSET", "session:\(sidText)", "sub", "admin", "roles", #"["admin","user"]"#, "created_at", "\(now)", "expires_at",
                    "\(now + 3_600_000)", "current", digest,
                ]
                var refresh = ["HSET", "refresh:\(digest)", "sid", sidText, "until", "\(now + 3_600_000)"]
                if copyTags {
                    session += ["mac", realTag]
                    refresh += ["mac", realTag]
                }
                _ = try await Self.run(redis + session)
                _ = try await Self.run(redis + refresh)
                let answer = try await Client.refresh(Self.base64URL(bytes))
                #expect(answer.status == 401)
                #expect(answer.json["error"] as? String == "invalid_grant")
                if answer.json["access_token"] != nil || answer.refreshCookie?.isEmpty == false { minted += 1 }
            }
            #expect(minted == 0, "tokens minted from forged records")
            #expect(try await Client.refresh(real.refreshCookie).status == 200, "the real session still works")
        }
    }
}
