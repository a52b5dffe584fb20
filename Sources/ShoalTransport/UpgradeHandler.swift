package import NIOCore
package import ShoalCore

/// Runs the connection upgrade (``Upgrader``) inside the channel pipeline, on the connection's event loop.
///
/// Every handshake message is answered in the same event-loop turn that read it: no task wakes up and no write hops
/// threads until the peer is authenticated and the muxer agreed. The outcome completes `upgraded` (once); later
/// bytes pass through to the next handler (the ``ConnectionReader``). The handler enforces
/// the handshake deadline itself: when it passes, the upgrade fails with `.timeout` and the socket closes.
final class UpgradeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// How long a failed upgrade keeps reading (and dropping) the peer's bytes after sending FIN, so that the socket
    /// closes cleanly rather than with a reset for unread data.
    static let linger: TimeAmount = .seconds(1)

    private enum State {
        case handshaking
        case upgraded
        /// Failed: our side is half-closed, the peer's bytes are dropped until it closes or the linger ends.
        case lingering(any Error)
        case failed
    }

    private var machine: Upgrader
    private let promise: EventLoopPromise<UpgradeResult>
    private let timeout: Duration
    private var timer: NIOScheduledCallback?
    private var started = false
    private var state = State.handshaking

    /// A handler completing `promise` with the upgrade's outcome within `timeout`.
    init(machine: Upgrader, promise: EventLoopPromise<UpgradeResult>, timeout: Duration) {
        self.machine = machine
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = self.timeout
        timer = schedule(in: .nanoseconds(timeout.nanosecondsClamped), context: context) { handler, context in
            handler.fail(
                ShoalError(.timeout, "connection upgrade did not finish within \(timeout)"),
                context: context,
                linger: false
            )
        }
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .upgraded:
            context.fireChannelRead(data)
        case .lingering, .failed:
            break
        case .handshaking:
            let buffer = unwrapInboundIn(data)
            do {
                let (output, result) = try machine.receive(Array(buffer.readableBytesView))
                if !output.isEmpty { context.writeAndFlush(wrap(output, context), promise: nil) }
                guard let result else { return }
                state = .upgraded
                timer?.cancel()
                promise.succeed(result)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            } catch {
                fail(error, context: context, linger: true)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            finish(ShoalError(.closed, "connection closed during the upgrade"))
        case .lingering(let error):
            finish(error)
        case .upgraded, .failed:
            break
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .upgraded:
            context.fireErrorCaught(error)
        case .handshaking:
            fail(
                ShoalError(.closed, "connection failed during the upgrade", cause: error),
                context: context,
                linger: false
            )
        case .lingering, .failed:
            break
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            finish(ShoalError(.closed, "connection upgrade stopped"))
        case .lingering(let error):
            finish(error)
        case .upgraded, .failed:
            break
        }
    }

    // MARK: - Helpers

    private func start(context: ChannelHandlerContext) {
        guard !started, case .handshaking = state else { return }
        started = true
        let output = machine.start()
        if !output.isEmpty { context.writeAndFlush(wrap(output, context), promise: nil) }
    }

    /// Ends the upgrade with `error`. With `linger`, our side sends FIN at once and the socket closes when the peer
    /// closes its side (or after ``linger``); the error is reported then.
    private func fail(_ error: any Error, context: ChannelHandlerContext, linger: Bool) {
        guard case .handshaking = state else { return }
        timer?.cancel()
        guard linger else {
            finish(error)
            context.close(promise: nil)
            return
        }
        state = .lingering(error)
        context.close(mode: .output, promise: nil)
        timer = schedule(in: Self.linger, context: context) { handler, context in
            guard case .lingering(let error) = handler.state else { return }
            handler.finish(error)
            context.close(promise: nil)
        }
    }

    private func finish(_ error: any Error) {
        state = .failed
        timer?.cancel()
        promise.fail(error)
    }

    /// Runs `body` on the event loop after `delay` (a scheduled callback: no promise or future is made).
    private func schedule(
        in delay: TimeAmount,
        context: ChannelHandlerContext,
        _ body: @escaping (UpgradeHandler, ChannelHandlerContext) -> Void
    ) -> NIOScheduledCallback? {
        let bound = NIOLoopBound((self, context, body), eventLoop: context.eventLoop)
        return try? context.eventLoop.scheduleCallback(in: delay, handler: Expiry(bound: bound))
    }

    /// A deadline of the upgrade (the handshake's, or the end of the linger).
    private struct Expiry: NIOScheduledCallbackHandler, Sendable {
        let bound:
            NIOLoopBound<(UpgradeHandler, ChannelHandlerContext, (UpgradeHandler, ChannelHandlerContext) -> Void)>

        func handleScheduledCallback(eventLoop: some EventLoop) {
            let (handler, context, body) = bound.value
            body(handler, context)
        }
    }

    private func wrap(_ bytes: [UInt8], _ context: ChannelHandlerContext) -> NIOAny {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return NIOAny(buffer)
    }
}

// MARK: - The socket as the runtime receives it

/// A socket whose upgrade runs in its pipeline (``UpgradeHandler``), followed by the ``ConnectionReader`` that feeds
/// its bytes to the connection once the upgrade is over.
package struct UpgradingChannel: Sendable {
    /// The socket.
    package let socket: any Channel
    /// Completes when the peer is authenticated and the muxer agreed (or fails with the upgrade's error).
    let upgraded: EventLoopFuture<UpgradeResult>
    /// The socket's reader (used on its event loop only).
    let reader: NIOLoopBound<ConnectionReader>
    /// The streams the peer opens, as the reader finds them.
    let inbound: InboundStreamQueue

    /// Hands the connection to the reader (at once when called on the socket's event loop).
    func attach(_ connection: MuxedConnection, opener: ConnectionOpener) {
        if socket.eventLoop.inEventLoop {
            reader.value.attach(connection, opener: opener)
        } else {
            let reader = self.reader
            socket.eventLoop.execute { reader.value.attach(connection, opener: opener) }
        }
    }
}

extension ConnectionRuntime {
    /// Installs the upgrade and the reader in a new socket's pipeline (call it from the channel initializer, on its
    /// event loop): the handshake starts as soon as the socket is connected, before any task looks at it.
    package func makeUpgradingChannel(
        _ channel: any Channel,
        direction: Direction,
        expectedPeer: PeerID?
    ) throws -> UpgradingChannel {
        let machine = try Upgrader(
            direction: direction,
            identity: identity,
            expectedPeer: expectedPeer,
            psk: psk,
            staticIdentity: noiseStatic,
            verifiedStatics: verifiedStatics
        )
        let promise = channel.eventLoop.makePromise(of: UpgradeResult.self)
        let inbound = InboundStreamQueue()
        let reader = ConnectionReader(inbound: inbound)
        try channel.pipeline.syncOperations.addHandlers(
            UpgradeHandler(machine: machine, promise: promise, timeout: handshakeTimeout),
            reader
        )
        return UpgradingChannel(
            socket: channel,
            upgraded: promise.futureResult,
            reader: NIOLoopBound(reader, eventLoop: channel.eventLoop),
            inbound: inbound
        )
    }
}
