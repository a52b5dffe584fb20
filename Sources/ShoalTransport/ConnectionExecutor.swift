import NIOCore

/// A connection's event loop as a task executor: a task that prefers it (the connection's reader) runs its jobs on
/// the thread that reads and writes the connection's socket, so that handing it a received chunk, or its output to
/// the socket, is a queue push on the same thread rather than a wake-up of another one.
///
/// Only code that never blocks may prefer it (a blocked job stalls every connection on that event loop).
final class ConnectionExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        eventLoop.execute {
            unownedJob.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
