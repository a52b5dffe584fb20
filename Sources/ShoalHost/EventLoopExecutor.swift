import NIOCore

/// A connection's event loop as a task executor: the connection's own tasks (its reader, the built-in protocols'
/// handlers, identify) prefer it, so that a socket read resumes them on the thread that read it and their writes
/// are queued on the loop they run on, with no wake-up of another thread in between.
///
/// User handlers do not run here (see ``ProtocolRegistry/Entry/onConnectionLoop``): a long computation would
/// stall every connection sharing the loop.
final class EventLoopExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
