import Foundation

/// What `infra/dev/test-env` (and `make test`) export to the tests: the shared Redis and
/// broker, the services script that starts private ones, the run folder it cleans up.
///
/// A test that needs one of them fails with ``Missing`` when it is not set; none skips, so a
/// green run always means the real servers were exercised.
public enum TestEnvironment {
    /// A variable the test needs is not set.
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String {
            "\(name) is not set: run the tests through infra/dev/test-env (make test, or infra/dev/test-env swift test --filter …)"
        }
    }

    /// The value of `name`.
    /// - Throws: ``Missing`` when it is unset or empty.
    public static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    /// The shared Redis (`TEST_REDIS_URL`).
    public static func redisURL() throws -> String { try value("TEST_REDIS_URL") }

    /// The shared Redis as the issuer's ACL user (`TEST_REDIS_ISSUER_URL`), as in the dev
    /// cluster; the operator's URL where test-env runs Redis without ACLs.
    public static func issuerRedisURL() throws -> String { try (try? value("TEST_REDIS_ISSUER_URL")) ?? redisURL() }

    /// The shared Redis as the resources' read-only ACL user (`TEST_REDIS_RESOURCE_URL`).
    public static func resourceRedisURL() throws -> String { try (try? value("TEST_REDIS_RESOURCE_URL")) ?? redisURL() }

    /// The shared broker's bootstrap servers (`TEST_KAFKA_BROKERS`).
    public static func kafkaBrokers() throws -> [String] { try value("TEST_KAFKA_BROKERS").split(separator: ",").map(String.init) }

    /// `infra/dev/services`, which starts private servers (`TEST_SERVICES_SCRIPT`).
    public static func servicesScript() throws -> String { try value("TEST_SERVICES_SCRIPT") }

    /// Where tests put files and private servers: test-env's run folder, which it cleans up
    /// even when the test process dies, or the temporary folder outside it.
    public static var runDirectory: String {
        (try? value("TEST_RUN_DIR")) ?? NSTemporaryDirectory()
    }
}

/// A test could not set up what it needs, or waited in vain.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds. A `condition` that throws counts as not yet.
///
/// The default timeout is generous because it only costs time when a test fails: under CI
/// load a 20 ms sleep in the code under test has taken 3 s.
/// - Throws: ``TestSetupError`` after `timeout`, naming `what` and the last error.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if try await condition() { return }
        } catch {
            lastError = error
        }
        guard ContinuousClock.now < deadline else {
            throw TestSetupError("timed out after \(timeout) waiting for \(what)" + (lastError.map { "; last error: \($0)" } ?? ""))
        }
        try await Task.sleep(for: interval)
    }
}
