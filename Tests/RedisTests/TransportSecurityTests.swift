import Foundation
import Redis
import TestSupport
import Testing

/// TLS (`rediss://`) and ACL users against the shared test server, which `infra/dev/test-env`
/// starts with the dev cluster's ACL file and a TLS port (infra/dev/services: REDIS_ACL,
/// REDIS_TLS_PORT): what the issue asks of Redis's transport, tried on the real server.
@Suite("TLS and ACL users", .timeLimit(.minutes(1)))
struct TransportSecurityTests {
    /// The TLS port with `user`'s password from the plain URL `TEST_REDIS_…_URL`.
    static func tlsConfiguration(_ urlVariable: String, clientCertificate: Bool = true) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: TestEnvironment.value(urlVariable))
        configuration.port = try #require(Int(TestEnvironment.value("TEST_REDIS_TLS_PORT")))
        let folder = try TestEnvironment.value("TEST_REDIS_TLS_DIR")
        configuration.tls = RedisTLSConfiguration(
            caFile: "\(folder)/ca.crt", certificateFile: clientCertificate ? "\(folder)/client.crt" : nil,
            keyFile: clientCertificate ? "\(folder)/client.key" : nil)
        configuration.poolSize = 1
        configuration.commandTimeout = .seconds(2)
        return configuration
    }

    @Test func commandsTravelOverTLSWithAndWithoutAClientCertificate() async throws {
        for withCertificate in [true, false] {
            try await TestRedis.withClient(Self.tlsConfiguration("TEST_REDIS_URL", clientCertificate: withCertificate)) { redis in
                try await TestRedis.withKey(redis) { key in
                    try await redis.set(key, to: "over TLS")
                    #expect(try await redis.getString(key) == "over TLS")
                    let info = try await redis.send("CLIENT", "INFO").string ?? ""
                    // Redis lists a TLS connection's local address as its TLS port.
                    #expect(info.contains(":\(try TestEnvironment.value("TEST_REDIS_TLS_PORT"))"))
                }
            }
        }
    }

    @Test func aServerSignedByAnotherCAIsRefused() async throws {
        var configuration = try Self.tlsConfiguration("TEST_REDIS_URL", clientCertificate: false)
        // The system's store does not hold the dev CA, so the handshake must fail.
        configuration.tls?.caFile = nil
        try await TestRedis.withClient(configuration) { redis in
            let error = try await #require(throws: RedisError.self) { try await redis.ping() }
            #expect(error.code == .connectionFailed)
        }
    }

    @Test func plainTextToTheTLSPortAndTLSToThePlainPortFail() async throws {
        var plain = try Self.tlsConfiguration("TEST_REDIS_URL")
        plain.tls = nil
        var tlsToPlain = try Self.tlsConfiguration("TEST_REDIS_URL")
        tlsToPlain.port = try TestRedis.configuration().port
        for configuration in [plain, tlsToPlain] {
            try await TestRedis.withClient(configuration) { redis in
                await #expect(throws: RedisError.self) { try await redis.ping() }
            }
        }
    }

    @Test func unreadableTLSFilesStopTheClientAtCreation() throws {
        var configuration = try Self.tlsConfiguration("TEST_REDIS_URL")
        configuration.tls?.caFile = "/nonexistent/ca.crt"
        let error = try #require(throws: RedisError.self) { try RedisClient(configuration: configuration) }
        #expect(error.code == .invalidConfiguration)
        configuration = try Self.tlsConfiguration("TEST_REDIS_URL")
        configuration.tls?.keyFile = nil
        #expect(throws: RedisError.self) { try RedisClient(configuration: configuration) }
    }

    @Test func theResourceUserReadsRevocationsAndNothingElse() async throws {
        let key = "revoked:jti:acl-test-\(UInt64.random(in: .min ... .max))"
        try await TestRedis.withClient { admin in
            try await admin.set(key, to: "1")
            try await admin.set("session:acl-test", to: "secret")
        }
        for tls in [false, true] {
            var configuration =
                tls
                ? try Self.tlsConfiguration("TEST_REDIS_RESOURCE_URL")
                : try RedisConfiguration(url: TestEnvironment.value("TEST_REDIS_RESOURCE_URL"))
            configuration.poolSize = 1
            try await TestRedis.withClient(configuration) { redis in
                try await redis.ping()
                let values = try await redis.send("MGET", RedisArgument(key)).array ?? []
                #expect(values.first?.string == "1")
                let scanned = try await redis.send("SCAN", "0", "MATCH", "revoked:*", "COUNT", "1000")
                #expect(scanned.array?.count == 2)
                // Every write, and every read outside revoked:*, is refused by Redis itself.
                for command in [
                    RedisCommand("SET", RedisArgument(key), RedisArgument("0")),
                    RedisCommand("DEL", RedisArgument(key)),
                    RedisCommand("SET", RedisArgument("session:forged"), RedisArgument("x")),
                    RedisCommand("HSET", RedisArgument("session:forged"), RedisArgument("roles"), RedisArgument("admin")),
                    RedisCommand("GET", RedisArgument("session:acl-test")),
                    RedisCommand("MGET", RedisArgument("session:acl-test")),
                    RedisCommand("EVAL", RedisArgument("return 1"), RedisArgument("0")),
                    RedisCommand("FLUSHALL"),
                    RedisCommand("CONFIG", RedisArgument("GET"), RedisArgument("*")),
                ] {
                    let error = try await #require(throws: RedisError.self) { try await redis.send(command) }
                    #expect(error.code == .serverError, "\(command.name)")
                    #expect(error.reason.contains("NOPERM"), "\(command.name): \(error.reason)")
                }
            }
        }
        try await TestRedis.withClient { admin in
            #expect(try await admin.getString(key) == "1")
            #expect(try await admin.getString("session:forged") == nil)
            _ = try await admin.send("DEL", RedisArgument(key), RedisArgument("session:acl-test"))
        }
    }

    @Test func theIssuerUserWritesAndRunsScriptsButCannotAdminister() async throws {
        var configuration = try Self.tlsConfiguration("TEST_REDIS_ISSUER_URL")
        configuration.poolSize = 1
        try await TestRedis.withClient(configuration) { redis in
            try await TestRedis.withKey(redis) { key in
                try await redis.set(key, to: "v")
                let reply = try await redis.send("EVAL", "return redis.call('GET', KEYS[1])", "1", RedisArgument(key))
                #expect(reply.string == "v")
                _ = try await redis.send("TIME")
            }
            for command in [
                RedisCommand("FLUSHALL"), RedisCommand("CONFIG", RedisArgument("SET"), RedisArgument("requirepass"), RedisArgument("x")),
                RedisCommand("KEYS", RedisArgument("*")),
            ] {
                let error = try await #require(throws: RedisError.self) { try await redis.send(command) }
                #expect(error.reason.contains("NOPERM"), "\(command.name): \(error.reason)")
            }
        }
    }

    @Test func aWrongPasswordIsRefusedWithoutShowingIt() async throws {
        var configuration = try RedisConfiguration(url: TestEnvironment.value("TEST_REDIS_RESOURCE_URL"))
        configuration.password = "not-the-password"
        configuration.poolSize = 1
        try await TestRedis.withClient(configuration) { redis in
            let error = try await #require(throws: RedisError.self) { try await redis.ping() }
            #expect(error.code == .connectionFailed)
            #expect(!error.description.contains("not-the-password"))
        }
    }
}
