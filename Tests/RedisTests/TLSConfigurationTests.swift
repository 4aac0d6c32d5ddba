import Redis
import Testing

@Suite("rediss:// URLs and TLS settings")
struct TLSConfigurationTests {
    @Test func redissTurnsTLSOn() throws {
        let configuration = try RedisConfiguration(url: "rediss://resource:s%40cret@redis.internal:6380/0")
        #expect(configuration.tls == RedisTLSConfiguration())
        #expect(configuration.host == "redis.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "resource")
        #expect(configuration.password == "s@cret")
        #expect(configuration.description == "rediss://resource:***@redis.internal:6380/0")
        #expect(try RedisConfiguration(url: "redis://127.0.0.1").tls == nil)
    }

    @Test func aCertificateWithoutItsKeyIsRefused() throws {
        var configuration = try RedisConfiguration(url: "rediss://127.0.0.1:6380")
        configuration.tls?.certificateFile = "/tmp/client.crt"
        #expect(throws: RedisError.self) { try RedisClient(configuration: configuration) }
    }

    @Test func otherSchemesAreStillRefused() {
        for url in ["redis+tls://127.0.0.1", "rediss:/127.0.0.1", "tls://127.0.0.1"] {
            #expect(throws: RedisError.self, "\(url)") { try RedisConfiguration(url: url) }
        }
    }
}
