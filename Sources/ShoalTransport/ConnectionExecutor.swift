import NIOCore

/// A connection's event loop as a task executor: tasks that prefer it (``MuxedConnection/taskExecutor``) run their
/// jobs on the thread that reads and writes the connection's socket, so that handing a received chunk to them, or
/// their output to the socket, is a queue push on the same thread rather than a wake-up of another one.
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
