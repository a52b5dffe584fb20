import NIOCore
import ShoalCore
import ShoalWire
import Synchronization

/// The receiving end of an upgraded socket, in its pipeline: each read is decrypted and fed to the
/// ``MuxedConnection`` in the event-loop turn that read it, with no task woken per read.
///
/// It sits after ``UpgradeHandler``, which passes on the bytes that follow the upgrade. Until the connection runtime
/// attaches the connection (``attach(_:opener:)``), reads are held, and no more are requested once
/// ``maximumHeldBytes`` are held (back-pressure on the socket). The streams the peer opens go to
/// ``InboundStreamQueue`` for the runtime to serve; the end of the socket ends the connection and the queue.
final class ConnectionReader: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The most bytes held before the connection is attached; past this, reading pauses until it is.
    static let maximumHeldBytes = 1 << 20

    private let inbound: InboundStreamQueue
    /// The connection fed, once attached.
    private var connection: MuxedConnection?
    /// Its receiving cipher (mutated in place: it may hold a partial frame).
    private var opener: ConnectionOpener?
    private var held: [ByteBuffer] = []
    private var heldBytes = 0
    /// The socket ended (with this error, nil for a clean close) before the connection was attached.
    private var endedEarly: ShoalError??
    private var ended = false
    /// A read was requested while too much was held; it is issued once the connection is attached.
    private var readHeldBack = false
    private var context: ChannelHandlerContext?

    /// A reader that reports the peer's new streams to `inbound`.
    init(inbound: InboundStreamQueue) {
        self.inbound = inbound
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The pipeline goes away with the socket: the connection has ended (a no-op when it already has).
        end(nil)
        self.context = nil
        connection = nil
        opener = nil
    }

    // MARK: - Attaching

    /// Starts feeding `connection` (on the event loop): first the reads held so far, then each read as it comes.
    func attach(_ connection: MuxedConnection, opener: ConnectionOpener) {
        guard self.connection == nil, !ended else { return }
        self.connection = connection
        self.opener = opener
        let pending = held
        held = []
        heldBytes = 0
        for buffer in pending where !ended { deliver(buffer) }
        if let endedEarly, !ended {
            end(endedEarly)
        } else if readHeldBack, !ended {
            readHeldBack = false
            context?.read()
        }
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        let buffer = unwrapInboundIn(data)
        guard connection != nil else {
            heldBytes += buffer.readableBytes
            held.append(buffer)
            return
        }
        deliver(buffer)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(ShoalError(.closed, "read failed", cause: error))
        context.close(promise: nil)
    }

    // MARK: - Outbound

    func read(context: ChannelHandlerContext) {
        if connection == nil, heldBytes >= Self.maximumHeldBytes {
            readHeldBack = true
            return
        }
        context.read()
    }

    // MARK: - Helpers

    private func deliver(_ buffer: ByteBuffer) {
        guard let connection, opener != nil else { return }
        let plaintext: [UInt8]
        do { plaintext = try opener!.open(buffer) } catch {
            connection.receiveFailed(error)
            ended = true
            inbound.finish()
            context?.close(promise: nil)
            return
        }
        guard !plaintext.isEmpty else { return }
        connection.receive(plaintext, now: ConnectionClock.now)
        let streams = connection.takeInboundStreams()
        if !streams.isEmpty { inbound.push(streams) }
    }

    /// The socket ended: the connection fails (nil: closed by the peer) and the queue of streams ends.
    private func end(_ error: ShoalError?) {
        guard !ended else { return }
        guard let connection else {
            if endedEarly == nil { endedEarly = .some(error) }
            return
        }
        ended = true
        connection.socketClosed(error)
        inbound.finish()
    }
}

@available(*, unavailable)
extension ConnectionReader: Sendable {}

/// The streams the peer opened, from the socket's ``ConnectionReader`` to the connection's task, which starts a
/// handler for each. Bounded by the yamux session's cap on inbound streams not yet accepted.
final class InboundStreamQueue: Sendable {
    private struct State {
        var streams: [YamuxStreamID] = []
        var finished = false
        var waiter: CheckedContinuation<[YamuxStreamID]?, Never>?
    }

    private let state = Mutex(State())

    /// Adds streams the peer opened.
    func push(_ streams: [YamuxStreamID]) {
        let waiter = state.withLock { s -> CheckedContinuation<[YamuxStreamID]?, Never>? in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            s.streams += streams
            return nil
        }
        waiter?.resume(returning: streams)
    }

    /// No more streams will come (the socket ended).
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<[YamuxStreamID]?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The streams opened since the last call, waiting for one; nil once the socket has ended and all were taken.
    /// One caller at a time.
    func next() async -> [YamuxStreamID]? {
        if let ready = take() { return ready }
        return await withCheckedContinuation { continuation in
            let result = state.withLock { s -> [YamuxStreamID]?? in
                if !s.streams.isEmpty {
                    defer { s.streams = [] }
                    return .some(s.streams)
                }
                if s.finished { return .some(nil) }
                s.waiter = continuation
                return .none
            }
            if let result { continuation.resume(returning: result) }
        }
    }

    private func take() -> [YamuxStreamID]? {
        state.withLock { s in
            guard !s.streams.isEmpty else { return nil }
            defer { s.streams = [] }
            return s.streams
        }
    }
}
