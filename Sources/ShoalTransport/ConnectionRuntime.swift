package import Logging
package import NIOCore
import NIOPosix
public import ShoalCore
import ShoalMultiformats
package import ShoalSecurity
package import ShoalWire
import Synchronization

/// The clock connections run on: durations since the process's first connection.
enum ConnectionClock {
    static let origin = ContinuousClock.now
    static var now: Duration { ContinuousClock.now - origin }
}

/// How one connection is run, from the raw socket to the end of the yamux session.
package struct ConnectionRuntime: Sendable {
    var identity: PrivateKey
    var psk: PreSharedKey?
    var yamux: YamuxConfiguration
    var handshakeTimeout: Duration
    var logger: Logger

    package init(
        identity: PrivateKey,
        psk: PreSharedKey?,
        yamux: YamuxConfiguration,
        handshakeTimeout: Duration,
        logger: Logger
    ) {
        self.identity = identity
        self.psk = psk
        self.yamux = yamux
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    /// Upgrades `channel` and runs it until the connection ends.
    ///
    /// - Parameters:
    ///   - established: called once the peer is authenticated, before any stream is read. Throwing (the gater
    ///     refused the peer, the limits are full) closes the connection.
    ///   - serve: runs once for each stream the peer opens, in a task of the connection's group (started by the
    ///     reader: no task waits for inbound streams).
    /// - Throws: the upgrade's error (handshake failed, timed out, peer refused).
    package func run(
        channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        direction: Direction,
        expectedPeer: PeerID?,
        connectionID: UInt64,
        established: @Sendable (MuxedConnection) async throws -> Void,
        serve: @escaping @Sendable (MuxedConnection, YamuxStreamID) async -> Void
    ) async throws {
        let nioChannel = channel.channel
        let localAddress = Multiaddr(nioChannel.localAddress)
        let remoteAddress = Multiaddr(nioChannel.remoteAddress)
        let timedOut = ManagedFlag()
        let timeout = nioChannel.eventLoop.scheduleTask(in: .nanoseconds(handshakeTimeout.nanosecondsClamped)) {
            timedOut.set()
            nioChannel.close(promise: nil)
        }
        var log = logger
        log[metadataKey: "conn.id"] = .stringConvertible(connectionID)
        log[metadataKey: "conn.direction"] = .string(direction.rawValue)

        try await channel.executeThenClose { inbound, outbound in
            var io = NIOChunkIO(iterator: inbound.makeAsyncIterator(), outbound: outbound)
            let upgrader = Upgrader(direction: direction, identity: identity, expectedPeer: expectedPeer, psk: psk)
            let result: UpgradeResult
            do {
                result = try await upgrader.run(&io)
                timeout.cancel()
            } catch {
                timeout.cancel()
                if timedOut.isSet {
                    throw ShoalError(
                        .timeout,
                        "connection upgrade did not finish within \(handshakeTimeout)",
                        cause: error
                    )
                }
                throw error
            }
            let remotePeer = PeerID(publicKey: result.remotePublicKey)
            log[metadataKey: "peer.id"] = .stringConvertible(remotePeer)

            // [perf-data] The reader runs on the connection's event loop (see ConnectionExecutor).
            let executor = ConnectionExecutor(eventLoop: nioChannel.eventLoop)
            var session = YamuxSession(role: direction == .outbound ? .client : .server, configuration: yamux)
            let startActions = session.start(now: ConnectionClock.now)
            let connection = MuxedConnection(
                id: connectionID,
                remotePeer: remotePeer,
                remotePublicKey: result.remotePublicKey,
                direction: direction,
                localAddress: localAddress,
                remoteAddress: remoteAddress,
                session: session,
                sink: ChannelSink(channel: nioChannel, sealer: result.sealer)
            )
            connection.performStartActions(startActions)
            if !result.muxerLeftover.isEmpty {
                connection.receive(result.muxerLeftover, now: ConnectionClock.now)
            }
            do {
                try await established(connection)
            } catch {
                // GoAway is written, then the socket closes; drain the reader until it does.
                connection.close()
                while (try? await io.iterator.next()) != nil {}
                throw error
            }
            log.debug("connection established")

            // Keepalive: the session's timer, checked four times a second on the connection's event loop (a
            // scheduled callback rather than a sleeping task: nothing per connection waits in the task pool).
            let keepalive = nioChannel.eventLoop.scheduleRepeatedTask(
                initialDelay: .milliseconds(250),
                delay: .milliseconds(250)
            ) { task in
                if connection.isClosed {
                    task.cancel()
                } else {
                    connection.tick(now: ConnectionClock.now)
                }
            }
            defer { keepalive.cancel() }
            // [perf-data] The reader prefers the socket's event loop: a received chunk is decrypted and handed to the
            // streams on the thread that read it (no wake-up of a pool thread per chunk). Stream handlers still run
            // on the global pool (they may block).
            await withTaskExecutorPreference(executor) {
                await withDiscardingTaskGroup { group in
                    // Inbound streams: the reader starts a handler task for each stream the peer opens.
                    for id in connection.takeInboundStreams() {
                        group.addTask(executorPreference: globalConcurrentExecutor) { await serve(connection, id) }
                    }
                    // Reader: frames are decrypted straight from the socket's buffer.
                    var opener = result.opener
                    do {
                        while let chunk = try await io.iterator.next() {
                            let plaintext: [UInt8]
                            do { plaintext = try opener.open(chunk) } catch {
                                connection.receiveFailed(error)
                                break
                            }
                            if !plaintext.isEmpty {
                                connection.receive(plaintext, now: ConnectionClock.now)
                                for id in connection.takeInboundStreams() {
                                    group.addTask(executorPreference: globalConcurrentExecutor) {
                                        await serve(connection, id)
                                    }
                                }
                            }
                        }
                        connection.socketClosed(nil)
                    } catch {
                        connection.socketClosed(ShoalError(.closed, "read failed", cause: error))
                    }
                    // Output goes straight from the connection to the socket (``ChannelSink``), which closes once the
                    // connection has failed or closed and its last frames are written.
                }
            }
            log.debug("connection closed", metadata: ["conn.reason": "\(connection.closeReason.map { "\($0)" } ?? "")"])
        }
    }
}

/// The NIO socket as the upgrade's ``ChunkIO``.
struct NIOChunkIO: ChunkIO {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func readChunk() async throws -> [UInt8]? {
        guard let buffer = try await iterator.next() else { return nil }
        return Array(buffer.readableBytesView)
    }

    mutating func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }
}

/// A flag set once from any thread.
final class ManagedFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension Duration {
    /// Whole nanoseconds, clamped to Int64.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : ns &+ attoseconds / 1_000_000_000
    }
}
