// redis-probe: GET round-trip latency, raw hiredis versus the Redis module's actor path.
//
//   swift run -c release redis-probe [redis://host:port] [count]
//
// Measures `count` GETs (default 20,000; each after 1,000 warm-up calls), one at a time:
// (a) the blocking hiredis call on the calling thread, (b) `RedisClient.get` awaited from a
// task on Swift's cooperative pool, which hops to the connection's event-loop thread and
// back. Prints a Markdown table for docs/BENCHMARKS.md.
import Redis

let arguments = CommandLine.arguments.dropFirst()
let url = arguments.first ?? "redis://127.0.0.1:6379"
let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000
let warmUp = 1_000
let key = "redis-probe:key"

/// Round trips of the blocking hiredis call, on this thread.
func measureRaw(_ configuration: RedisConfiguration) throws -> [Duration] {
    let context = try HiredisContext.connect(
        host: configuration.host, port: configuration.port,
        connectTimeout: configuration.connectTimeout,
        commandTimeout: configuration.commandTimeout, command: "GET")
    let get = RedisCommand("GET", RedisArgument(key))
    _ = try context.timeRawRoundTrips(of: get, count: warmUp)
    return try context.timeRawRoundTrips(of: get, count: count)
}

/// Round trips through the client, awaited from the cooperative pool as a service would.
@concurrent func measureAdapter(_ client: RedisClient) async throws -> [Duration] {
    for _ in 0..<warmUp { _ = try await client.get(key) }
    let clock = ContinuousClock()
    var durations: [Duration] = []
    durations.reserveCapacity(count)
    for _ in 0..<count {
        let start = clock.now
        _ = try await client.get(key)
        durations.append(clock.now - start)
    }
    return durations
}

func microseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let value = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    return String(Int(value.rounded()))
}

func row(_ name: String, _ durations: [Duration]) -> (line: String, p50: Duration) {
    let sorted = durations.sorted()
    func percentile(_ p: Double) -> Duration { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    let line =
        "| \(name) | \(sorted.count) | \(microseconds(percentile(0.5))) | "
        + "\(microseconds(percentile(0.99))) | \(microseconds(percentile(0.999))) |"
    return (line, percentile(0.5))
}

let configuration = try RedisConfiguration(url: url)
let client = try RedisClient(configuration: configuration)
try await client.set(key, to: RedisArgument([UInt8](repeating: 120, count: 3)))
let raw = row("(a) hiredis `redisCommandArgv`, blocking", try measureRaw(configuration))
let adapter = row("(b) `RedisClient.get`, awaited", try await measureAdapter(client))
try await client.del([key])
try await client.close()

print("| path | GETs | p50 µs | p99 µs | p99.9 µs |")
print("|---|---|---|---|---|")
print(raw.line)
print(adapter.line)
let ratio = adapter.p50 / raw.p50
print("\n(b) p50 / (a) p50 = \((ratio * 100).rounded() / 100) (bar: at most 2)")
