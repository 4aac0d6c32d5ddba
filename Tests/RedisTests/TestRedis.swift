import Foundation
import Redis
import TestSupport
import Testing

/// The shared test server and helpers around it. `infra/dev/test-env` starts the server and
/// exports its URL; without it the tests fail rather than skip, so a green run always means
/// the real server was exercised.
enum TestRedis {
    /// The shared server's configuration, with short timeouts so failures show quickly.
    static func configuration() throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: TestEnvironment.redisURL())
        configuration.commandTimeout = .seconds(2)
        return configuration
    }

    /// Runs `body` with a new client and closes it afterwards, also when `body` throws.
    @discardableResult
    static func withClient<Result>(
        _ configuration: RedisConfiguration? = nil,
        _ body: (RedisClient) async throws -> Result
    ) async throws -> Result {
        let client = try RedisClient(configuration: configuration ?? self.configuration())
        do {
            let result = try await body(client)
            try await client.close()
            return result
        } catch {
            try await client.close()
            throw error
        }
    }

    /// Runs `body` with a key name no other test uses, and deletes the key (and any key
    /// starting with it) afterwards.
    @discardableResult
    static func withKey<Result>(
        _ client: RedisClient, _ body: (String) async throws -> Result
    ) async throws -> Result {
        let key = "test:\(UInt64.random(in: .min ... .max)):"
        do {
            let result = try await body(key)
            try await cleanUp(key, client)
            return result
        } catch {
            try? await cleanUp(key, client)
            throw error
        }
    }

    private static func cleanUp(_ key: String, _ client: RedisClient) async throws {
        let keys = try await client.allKeys(matching: "\(key)*") + [key]
        try await client.del(keys)
    }
}
