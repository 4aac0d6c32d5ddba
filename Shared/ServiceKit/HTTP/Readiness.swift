import Synchronization

/// Whether a service can do its job, as the sum of named conditions (keys loaded, Redis
/// reachable, …). `/readyz` answers 200 only when every condition holds.
public final class Readiness: Sendable {
    private let conditions = Mutex<[String: String?]>([:])

    /// Creates an empty set of conditions (ready).
    public init() {}

    /// Declares a condition that does not hold yet, with the reason shown by `/readyz`.
    public func require(_ name: String, reason: String) {
        conditions.withLock { $0[name] = .some(reason) }
    }

    /// Marks a condition as holding.
    public func satisfy(_ name: String) {
        conditions.withLock { $0[name] = .some(nil) }
    }

    /// Marks a condition as not holding, with a reason.
    public func fail(_ name: String, reason: String) {
        conditions.withLock { $0[name] = .some(reason) }
    }

    /// The reasons of the conditions that do not hold, by name; empty when ready.
    public var unmet: [String: String] {
        conditions.withLock { conditions in conditions.compactMapValues { $0 } }
    }
}
