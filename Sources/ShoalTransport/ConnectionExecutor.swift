package import NIOCore

/// A connection's event loop as a task executor: the connection's own tasks (its reader, the built-in protocols'
/// handlers, identify) prefer it, so that a socket read resumes them on the thread that read it and their writes
/// are queued on the loop they run on, with no wake-up of another thread in between.
///
/// Only code that never blocks may prefer it: a blocked job stalls every connection on that event loop. User
/// handlers do not run here (the host starts them with the global concurrent executor as their preference).
package final class ConnectionExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    /// An executor that runs its jobs on `eventLoop`.
    package init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
