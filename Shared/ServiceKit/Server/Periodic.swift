import ServiceLifecycle

/// Calls `body` at once and then again after each pause that `pause` gives, until the task is
/// cancelled or its service group begins a graceful shutdown (which also ends a pause early).
/// The loop of every background service that checks or sweeps something on a schedule.
public func repeatUntilShutdown(pause: () -> Duration, _ body: () async -> Void) async {
    while !Task.isCancelled, !Task.isShuttingDownGracefully {
        await body()
        let pause = pause()
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
    }
}

/// Calls `body` at once and then every `interval` (after it returns), until cancellation or
/// graceful shutdown; see ``repeatUntilShutdown(pause:_:)``.
public func repeatUntilShutdown(every interval: Duration, _ body: () async -> Void) async {
    await repeatUntilShutdown(pause: { interval }, body)
}
