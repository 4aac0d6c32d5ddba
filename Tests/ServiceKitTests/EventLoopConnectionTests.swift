import Hummingbird
import HummingbirdTesting
import NIOPosix
import ServiceKit
import Testing

/// `hardenedHTTP1(onEventLoop: true)` runs every request on its connection's event loop, also
/// after the route has awaited something; the default keeps Hummingbird's cooperative pool.
@Suite(.timeLimit(.minutes(1))) struct EventLoopConnectionTests {
    static func app(onEventLoop: Bool) -> some ApplicationProtocol {
        let router = Router()
        router.get("where") { _, _ in MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "event loop" }
        router.get("after-a-wait") { _, _ in
            let before = MultiThreadedEventLoopGroup.currentEventLoop
            try await Task.sleep(for: .milliseconds(5))
            return before != nil && before === MultiThreadedEventLoopGroup.currentEventLoop ? "same loop" : "moved"
        }
        return Application(
            router: router, server: .hardenedHTTP1(onEventLoop: onEventLoop), configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
    }

    @Test func requestsRunOnTheirConnectionsEventLoop() async throws {
        try await Self.app(onEventLoop: true).test(.live) { client in
            for _ in 0..<3 {
                #expect(String(buffer: try await client.execute(uri: "/where", method: .get).body) == "event loop")
            }
            #expect(String(buffer: try await client.execute(uri: "/after-a-wait", method: .get).body) == "same loop")
        }
    }

    @Test func theDefaultKeepsTheCooperativePool() async throws {
        try await Self.app(onEventLoop: false).test(.live) { client in
            #expect(String(buffer: try await client.execute(uri: "/where", method: .get).body) == "pool")
        }
    }
}
