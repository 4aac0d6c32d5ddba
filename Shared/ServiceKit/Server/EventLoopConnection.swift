import HummingbirdCore
import Logging
import NIOCore

/// An HTTP connection whose task runs on the event loop that owns its socket, instead of on
/// Swift's cooperative pool.
///
/// Hummingbird reads every request on the connection's event loop and hands it to the
/// connection's task on the cooperative pool, whose answer is handed back to the event loop to
/// be written: two thread hand-offs per request (a wake-up each when the other thread sleeps),
/// which `perf` showed as the largest cost of a request that does not wait for anything
/// (docs/BENCHMARKS.md). With the loop as the task's executor preference (SE-0417), the read,
/// the route and the write stay on one thread. Only for services whose requests never block
/// their thread (no bcrypt, no blocking C call): a request's work delays the other connections
/// of its event loop for as long as it runs.
struct EventLoopConnection<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

/// A `TaskExecutor` that runs its jobs on one event loop. Enqueued from that loop's own thread
/// (a request arriving, a write completing), a job goes to the loop's task queue without a
/// wake-up; NIO's event loops are serial executors only, hence this small adapter.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
