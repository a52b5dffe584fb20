public import ShoalCore
public import ShoalMultiformats
public import ShoalWire
import Synchronization

/// A secured, multiplexed connection to one peer: the yamux session over the Noise channel.
///
/// It owns the pure ``YamuxSession`` machine behind one lock and carries out the machine's actions: it buffers each
/// stream's received data (never more than the window the session granted), wakes readers and writers, and hands its
/// output to the connection's sink in order (sealed outside the lock by the one caller that flushes). The socket is
/// driven by the connection runtime, which decrypts received bytes and feeds them in with ``receive(_:now:)``.
///
/// Waiting reads, writes and opens honour task cancellation (that is how stream deadlines are enforced).
public final class MuxedConnection: Sendable {
    /// A process-unique number for logs and events.
    public let id: UInt64
    /// The authenticated remote peer.
    public let remotePeer: PeerID
    /// The remote peer's identity key, proven during the handshake.
    public let remotePublicKey: PublicKey
    /// Who dialed.
    public let direction: Direction
    /// Our end of the TCP connection.
    public let localAddress: Multiaddr?
    /// The remote end of the TCP connection (the remote peer's observed address).
    public let remoteAddress: Multiaddr?
    /// The connection's event loop as a task executor (nil for connections without a socket, in tests): code that
    /// only moves bytes on this connection and never blocks may prefer it (the perf client does).
    package let executor: ConnectionExecutor?

    private struct State: ~Copyable {
        var session: YamuxSession
        var streams: [YamuxStreamID: StreamBuffer] = [:]
        var failure: ShoalError?
        var keepaliveDeadline: Duration?
        var openWaiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiterID = 0
        /// Streams that ended cleanly (FIN both ways, everything read), remembered so a late read sees end of
        /// stream rather than an error. Bounded: the oldest are forgotten first.
        var finished: Set<YamuxStreamID> = []
        var finishedOrder: [YamuxStreamID] = []
        /// Continuations to resume once the lock is released (see ``locked(_:)``).
        var wakeups: [StreamWakeup] = []
        /// Plaintext frames produced and not yet handed to the sink: the session's segmented writes appended
        /// (headers copied, payloads kept as slices of the writers' arrays). Everything queued while a batch is
        /// being sealed goes out together next (one sealed buffer, one socket write).
        var pendingOutput = YamuxOutput()
        /// A caller is handing batches to the sink (only one at a time, so ciphertext leaves in nonce order).
        var isFlushing = false
        /// The current ``locked(_:)`` call claimed the flush: it drains the output once the lock is released.
        var flushClaimed = false
        /// No more output will be produced (the connection failed or closed); the sink closes once drained.
        var outputFinished = false
        /// The sink was told to close.
        var sinkFinished = false
        /// Streams the peer opened that the runtime has not yet handed to a handler (bounded by the session's cap
        /// on unacknowledged inbound streams).
        var pendingInbound: [YamuxStreamID] = []
        /// The size of the plaintext being fed to the session (see ``receive(_:now:)``): stream buffers keep data
        /// as slices of it, unless a slice is under an eighth of it (then it is copied, so that small slices never
        /// hold large inputs alive: the memory held stays under eight times the data buffered).
        var inputCount = 0
    }

    /// How many cleanly ended stream IDs are remembered.
    private static let finishedMemory = 4096

    private let state: Mutex<State>
    private let sink: any ConnectionSink

    init(
        id: UInt64,
        remotePeer: PeerID,
        remotePublicKey: PublicKey,
        direction: Direction,
        localAddress: Multiaddr?,
        remoteAddress: Multiaddr?,
        session: YamuxSession,
        sink: any ConnectionSink,
        executor: ConnectionExecutor? = nil
    ) {
        self.executor = executor
        self.id = id
        self.remotePeer = remotePeer
        self.remotePublicKey = remotePublicKey
        self.direction = direction
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.state = Mutex(State(session: session))
        self.sink = sink
    }

    /// Whether the connection has failed or been closed.
    public var isClosed: Bool { locked { $0.failure != nil } }

    /// Why the connection closed, once it has.
    public var closeReason: ShoalError? { locked { $0.failure } }

    /// The number of open streams.
    public var streamCount: Int { locked { $0.streams.count } }

    // MARK: - Driven by the runtime

    /// Carries out the actions of the session's `start`, taken before the connection existed.
    func performStartActions(_ actions: [YamuxAction]) {
        locked { s in perform(actions, &s) }
    }

    /// Feeds plaintext decrypted from the socket (the reader owns the receive-side cipher, outside this lock).
    func receive(_ plaintext: [UInt8], now: Duration) {
        locked { s in
            guard s.failure == nil, !plaintext.isEmpty else { return }
            s.inputCount = plaintext.count
            defer { s.inputCount = 0 }
            perform(s.session.receive(plaintext), &s)
        }
    }

    /// The peer's bytes could not be decrypted: the connection is over.
    func receiveFailed(_ error: any Error) {
        locked { s in
            fail(ShoalError(.authenticationFailed, "connection frame did not decrypt", cause: error), &s)
        }
    }

    /// Fires the keepalive timer when its deadline has passed.
    func tick(now: Duration) {
        locked { s in
            guard s.failure == nil, let deadline = s.keepaliveDeadline, deadline <= now else { return }
            s.keepaliveDeadline = nil
            perform(s.session.keepaliveTimerFired(now: now), &s)
        }
    }

    /// The socket closed or failed: every stream and waiter ends.
    func socketClosed(_ error: ShoalError?) {
        locked { s in fail(error ?? ShoalError(.closed, "connection closed by the peer"), &s) }
    }

    /// The streams the peer opened since the last call (the reader hands each to a handler task).
    func takeInboundStreams() -> [YamuxStreamID] {
        locked { s in
            guard !s.pendingInbound.isEmpty else { return [] }
            defer { s.pendingInbound = [] }
            return s.pendingInbound
        }
    }

    // MARK: - Streams

    /// Opens a new outbound stream (no protocol negotiated yet), waiting while the ACK backlog is full.
    /// - Throws: ``ShoalError`` `.closed` when the connection is closed or going away.
    package func openStream() async throws -> YamuxStreamID {
        while true {
            let result: Result<YamuxStreamID, ShoalError>? = locked { s in
                if let failure = s.failure { return .failure(failure) }
                do {
                    let (id, actions) = try s.session.openStream()
                    s.streams[id] = StreamBuffer()
                    perform(actions, &s)
                    return .success(id)
                } catch let error as ShoalError {
                    return error.code == .limitExceeded ? nil : .failure(error)
                } catch {
                    return .failure(ShoalError(.internalError, "cannot open a stream", cause: error))
                }
            }
            if let result { return try result.get() }
            try await waitForOpenSlot()
        }
    }

    private func waitForOpenSlot() async throws {
        let waiterID = locked { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: (any Error)? = locked { s in
                    if Task.isCancelled { return CancellationError() }
                    if let failure = s.failure { return failure }
                    guard s.openWaiters.count < 4096 else {
                        return ShoalError(.limitExceeded, "too many tasks waiting to open streams")
                    }
                    s.openWaiters[waiterID] = continuation
                    return nil
                }
                if let immediate { continuation.resume(throwing: immediate) }
            }
        } onCancel: {
            let waiter = locked { $0.openWaiters.removeValue(forKey: waiterID) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Acknowledges an inbound stream.
    package func accept(_ id: YamuxStreamID) {
        locked { s in perform(s.session.acceptStream(id), &s) }
    }

    /// Reads up to `maximum` bytes; nil at end of stream.
    package func read(_ id: YamuxStreamID, upTo maximum: Int) async throws -> [UInt8]? {
        try await readSlice(id, upTo: maximum).map { Array($0) }
    }

    /// Reads up to `maximum` bytes as a slice of the received plaintext (no copy); nil at end of stream.
    package func readSlice(_ id: YamuxStreamID, upTo maximum: Int) async throws -> ArraySlice<UInt8>? {
        while true {
            enum Step {
                case data(ArraySlice<UInt8>)
                case end
                case wait
            }
            let step: Step = try locked { s in
                // Read through the dictionary (no copy of the buffer): its chunk list stays uniquely referenced.
                guard let buffered = s.streams[id]?.bufferedBytes else {
                    if s.finished.contains(id) { return .end }
                    throw ShoalError(.closed, "stream \(id) is closed")
                }
                if buffered > 0 {
                    let bytes = s.streams[id]!.take(upTo: maximum)
                    perform(s.session.consumed(bytes.count, on: id), &s)
                    return .data(bytes)
                }
                if let failure = s.streams[id]!.failure { throw failure }
                if s.streams[id]!.remoteClosed {
                    forgetIfDone(id, &s)
                    return .end
                }
                guard s.streams[id]!.reader == nil else {
                    throw ShoalError(.invalidArgument, "stream \(id) already has a reader waiting")
                }
                return .wait
            }
            switch step {
            case .data(let bytes): return bytes
            case .end: return nil
            case .wait: try await waitForReader(id)
            }
        }
    }

    private func waitForReader(_ id: YamuxStreamID) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: (any Error)?? = locked { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    guard let buffer = s.streams[id] else {
                        return s.finished.contains(id)
                            ? .some(nil) : .some(ShoalError(.closed, "stream \(id) is closed"))
                    }
                    if buffer.bufferedBytes > 0 || buffer.remoteClosed || buffer.failure != nil { return .some(nil) }
                    s.streams[id]?.reader = continuation
                    return .none
                }
                if let immediate {
                    if let error = immediate { continuation.resume(throwing: error) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let waiter = locked { s -> CheckedContinuation<Void, any Error>? in
                let reader = s.streams[id]?.reader
                s.streams[id]?.reader = nil
                return reader
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Puts bytes back at the front of a stream's buffer (bytes read past a protocol negotiation).
    package func unread(_ id: YamuxStreamID, _ bytes: [UInt8]) {
        locked { s in s.streams[id]?.unread(bytes) }
    }

    /// Writes all of `bytes`, waiting for window as needed.
    package func write(_ id: YamuxStreamID, _ bytes: [UInt8]) async throws {
        var offset = 0
        repeat {
            let done: Bool = try locked { s in
                if let failure = s.failure { throw failure }
                guard let buffer = s.streams[id] else { throw ShoalError(.closed, "stream \(id) is closed") }
                if let failure = buffer.failure { throw failure }
                let (accepted, actions) = try s.session.send(bytes[offset...], on: id)
                perform(actions, &s)
                offset += accepted
                return offset >= bytes.count
            }
            if done { return }
            try await waitForWriter(id)
        } while true
    }

    private func waitForWriter(_ id: YamuxStreamID) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: (any Error)?? = locked { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    guard let buffer = s.streams[id] else {
                        return .some(ShoalError(.closed, "stream \(id) is closed"))
                    }
                    if let failure = buffer.failure ?? s.failure { return .some(failure) }
                    if s.session.writableBytes(on: id) > 0 { return .some(nil) }
                    s.streams[id]?.writer = continuation
                    return .none
                }
                if let immediate {
                    if let error = immediate { continuation.resume(throwing: error) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let waiter = locked { s -> CheckedContinuation<Void, any Error>? in
                let writer = s.streams[id]?.writer
                s.streams[id]?.writer = nil
                return writer
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Half-closes a stream: no more writes; reads continue until the peer closes.
    package func closeWrite(_ id: YamuxStreamID) {
        locked { s in
            guard s.streams[id] != nil, s.failure == nil else { return }
            s.streams[id]?.localClosed = true
            perform(s.session.closeStream(id), &s)
            forgetIfDone(id, &s)
        }
    }

    /// Resets a stream in both directions.
    package func reset(_ id: YamuxStreamID, code: UInt32 = 0) {
        locked { s in
            if s.failure == nil { perform(s.session.resetStream(id, code: code), &s) }
            if var buffer = s.streams.removeValue(forKey: id) {
                let error = ShoalError(.closed, "stream \(id) was reset")
                buffer.resumeReader(.failure(error), into: &s.wakeups)
                buffer.resumeWriter(.failure(error), into: &s.wakeups)
            }
        }
    }

    /// Closes the connection gracefully: GoAway, then the socket closes once everything queued is written.
    public func close() {
        locked { s in
            guard s.failure == nil else { return }
            perform(s.session.goAway(), &s)
            fail(ShoalError(.closed, "connection closed"), &s)
        }
    }

    // MARK: - The lock

    /// Runs `body` with the lock held, then resumes the continuations it queued in `wakeups` after releasing it.
    ///
    /// Resuming a continuation takes the resumed task's status lock, and cancelling a task runs its cancellation
    /// handler (which takes this lock) with that status lock held: resuming under this lock could deadlock.
    private func locked<R: Sendable, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        var wakeups: [StreamWakeup] = []
        var flush = false
        defer {
            for wakeup in wakeups { wakeup.continuation.resume(with: wakeup.result) }
            if flush { flushOutput() }
        }
        return try state.withLock { (s: inout State) throws(E) -> R in
            defer {
                swap(&wakeups, &s.wakeups)
                flush = s.flushClaimed
                s.flushClaimed = false
            }
            return try body(&s)
        }
    }

    /// Hands the queued output to the sink, batch by batch, until none is left (called by the one caller that
    /// claimed the flush, outside the lock: encryption runs in that caller's task). Closes the sink once the
    /// connection is over and everything was handed over.
    private func flushOutput() {
        while true {
            enum Step {
                case send(YamuxOutput)
                case finish
                case done
            }
            let step: Step = state.withLock { s in
                if !s.pendingOutput.isEmpty {
                    defer { s.pendingOutput = YamuxOutput() }
                    return .send(s.pendingOutput)
                }
                s.isFlushing = false
                if s.outputFinished && !s.sinkFinished {
                    s.sinkFinished = true
                    return .finish
                }
                return .done
            }
            switch step {
            case .send(let output):
                if let error = sink.send(output) {
                    socketClosed(ShoalError(.closed, "write failed", cause: error))
                }
            case .finish:
                sink.finish()
                return
            case .done:
                return
            }
        }
    }

    /// Claims the flush for the current ``locked(_:)`` call if nobody is flushing.
    private func claimFlush(_ s: inout State) {
        guard !s.isFlushing else { return }
        s.isFlushing = true
        s.flushClaimed = true
    }

    // MARK: - Carrying out actions (called with the lock held)

    private func perform(_ actions: [YamuxAction], _ s: inout State) {
        for action in actions {
            switch action {
            case .writeSegments(let frames):
                // Plaintext frames, in order; the flushing caller seals them outside this lock.
                guard !s.outputFinished else { break }
                if s.pendingOutput.isEmpty { s.pendingOutput = frames } else { s.pendingOutput.append(frames) }
                claimFlush(&s)
            case .write(let frames):
                // The unsegmented form (not produced by the segmented session the runtime creates).
                guard !s.outputFinished else { break }
                s.pendingOutput.append(YamuxOutput(frames))
                claimFlush(&s)
            case .streamOpened(let id):
                s.streams[id] = StreamBuffer()
                s.pendingInbound.append(id)
            case .streamAcknowledged:
                wakeOpeners(&s)
            case .data(let id, let bytes):
                s.streams[id]?.append(bytes.count * 8 >= s.inputCount ? bytes : Array(bytes)[...])
                s.streams[id]?.resumeReader(into: &s.wakeups)
            case .remoteClosed(let id):
                s.streams[id]?.remoteClosed = true
                s.streams[id]?.resumeReader(into: &s.wakeups)
            case .streamClosed(let id):
                s.streams[id]?.remoteClosed = true
                s.streams[id]?.localClosed = true
                s.streams[id]?.resumeReader(into: &s.wakeups)
                forgetIfDone(id, &s)
                wakeOpeners(&s)
            case .reset(let id, let code):
                let error = ShoalError(.closed, "stream \(id) was reset by the peer (code \(code))")
                s.streams[id]?.failure = error
                s.streams[id]?.resumeReader(.failure(error), into: &s.wakeups)
                s.streams[id]?.resumeWriter(.failure(error), into: &s.wakeups)
                wakeOpeners(&s)
            case .windowAvailable(let id):
                s.streams[id]?.resumeWriter(into: &s.wakeups)
            case .goAway:
                wakeOpeners(&s)
            case .sessionFailed(let error):
                fail(error, &s)
            case .scheduleKeepalive(let deadline):
                s.keepaliveDeadline = deadline
            }
        }
    }

    private func wakeOpeners(_ s: inout State) {
        let waiters = s.openWaiters.values
        s.openWaiters.removeAll()
        for waiter in waiters { s.wakeups.append(StreamWakeup(continuation: waiter, result: .success(()))) }
    }

    private func forgetIfDone(_ id: YamuxStreamID, _ s: inout State) {
        guard let buffer = s.streams[id], buffer.localClosed, buffer.remoteClosed, buffer.bufferedBytes == 0,
            buffer.failure == nil
        else {
            return
        }
        s.streams[id] = nil
        s.finished.insert(id)
        s.finishedOrder.append(id)
        if s.finishedOrder.count > Self.finishedMemory {
            s.finished.remove(s.finishedOrder.removeFirst())
        }
    }

    private func fail(_ error: ShoalError, _ s: inout State) {
        guard s.failure == nil else { return }
        s.failure = error
        for id in Array(s.streams.keys) {
            if s.streams[id]?.failure == nil { s.streams[id]?.failure = error }
            s.streams[id]?.resumeReader(.failure(error), into: &s.wakeups)
            s.streams[id]?.resumeWriter(.failure(error), into: &s.wakeups)
        }
        let waiters = s.openWaiters.values
        s.openWaiters.removeAll()
        for waiter in waiters { s.wakeups.append(StreamWakeup(continuation: waiter, result: .failure(error))) }
        s.outputFinished = true
        claimFlush(&s)
        s.pendingInbound = []
    }
}
