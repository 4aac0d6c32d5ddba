import ServiceLifecycle

extension RedisClient: Service {
    /// Keeps the client open until graceful shutdown (or cancellation), then closes it, so a
    /// `ServiceGroup` listing it after the services that use it closes it last.
    /// - Throws: An error from stopping the event-loop threads.
    public func run() async throws {
        // Cancellation ends the wait the same way a graceful shutdown does.
        try? await gracefulShutdown()
        try await close()
    }
}
