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

    static func answer(_ client: some TestClientProtocol, _ uri: String) async throws -> String {
        String(buffer: try await client.execute(uri: uri, method: .get).body)
    }

    @Test func requestsRunOnTheirConnectionsEventLoop() async throws {
        try await Self.app(onEventLoop: true).test(.live) { client in
            for _ in 0..<3 {
                let answer = try await Self.answer(client, "/where")
                #expect(answer == "event loop")
            }
            let answer = try await Self.answer(client, "/after-a-wait")
            #expect(answer == "same loop")
        }
    }

    @Test func theDefaultKeepsTheCooperativePool() async throws {
        try await Self.app(onEventLoop: false).test(.live) { client in
            let answer = try await Self.answer(client, "/where")
            #expect(answer == "pool")
        }
    }
}
