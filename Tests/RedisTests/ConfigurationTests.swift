import Redis
import Testing

@Suite("Configuration and URL parsing")
struct ConfigurationTests {
    @Test func defaults() {
        let configuration = RedisConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.poolSize == 4)
        #expect(configuration.commandTimeout == .seconds(1))
        #expect(configuration.password == nil)
    }

    @Test func urlWithHostPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.local:16379/3")
        #expect(configuration.host == "cache.local")
        #expect(configuration.port == 16379)
        #expect(configuration.database == 3)
        #expect(try RedisConfiguration(url: "redis://10.0.0.1").port == 6379)
        #expect(try RedisConfiguration(url: "redis://[::1]:7000").host == "::1")
        #expect(try RedisConfiguration(url: "redis://[::1]:7000").port == 7000)
    }

    @Test func urlWithPasswordKeepsItOutOfTheDescription() throws {
        let configuration = try RedisConfiguration(url: "redis://:s%40cret@127.0.0.1:6380")
        #expect(configuration.password == "s@cret")
        #expect(configuration.username == nil)
        #expect(!configuration.description.contains("cret"))
        let withUser = try RedisConfiguration(url: "redis://issuer:pw@127.0.0.1/1")
        #expect(withUser.username == "issuer")
        #expect(withUser.password == "pw")
    }

    @Test(arguments: [
        "http://127.0.0.1:6379", "redis://host:notaport", "redis://host:99999",
        "redis://host/-1", "redis://:%zz@host",
    ])
    func invalidURLsAreRejectedWithoutEchoingThem(url: String) {
        #expect {
            try RedisConfiguration(url: url)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .invalidConfiguration && !error.description.contains(url)
        }
    }

    @Test func unusableTimeoutsAreRejected() {
        var configuration = RedisConfiguration()
        configuration.commandTimeout = .zero
        #expect(throws: RedisError.self) { try RedisClient(configuration: configuration) }
        configuration.commandTimeout = .seconds(1)
        configuration.poolSize = 0
        #expect(throws: RedisError.self) { try RedisClient(configuration: configuration) }
    }
}
