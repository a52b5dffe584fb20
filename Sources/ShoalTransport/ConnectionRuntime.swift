package import Logging
package import NIOCore
import NIOPosix
public import ShoalCore
import ShoalMultiformats
package import ShoalSecurity
package import ShoalWire

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
    /// The Noise static key, signed once for all this runtime's handshakes.
    let noiseStatic: NoiseStaticIdentity
    /// The peers' static-key signatures that verified, shared by this runtime's handshakes (a reconnecting peer's
    /// signature is not verified twice); nil when every handshake verifies its signature.
    let verifiedStatics: NoiseVerifiedStatics?
    /// Checks the keepalive deadlines of this runtime's connections.
    let keepalive = KeepaliveTicker()

    package init(
        identity: PrivateKey,
        psk: PreSharedKey?,
        yamux: YamuxConfiguration,
        handshakeTimeout: Duration,
        rememberVerifiedSignatures: Bool = true,
        logger: Logger
    ) {
        self.identity = identity
        self.psk = psk
        self.yamux = yamux
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
        self.noiseStatic = NoiseStaticIdentity(identity: identity)
        self.verifiedStatics = rememberVerifiedSignatures ? NoiseVerifiedStatics() : nil
    }

    /// Waits for `channel`'s upgrade and runs the connection until it ends.
    ///
    /// - Parameters:
    ///   - established: called once the peer is authenticated, before any stream is read. Throwing (the gater
    ///     refused the peer, the limits are full) closes the connection. It may return work to run in a task of
    ///     the connection's group (identify on connect), which saves a task hand-off per connection.
    ///   - serve: runs once for each stream the peer opens, in a task of the connection's group (the socket's
    ///     ``ConnectionReader`` feeds the connection on the event loop; this task only starts the handlers).
    /// - Throws: the upgrade's error (handshake failed, timed out, peer refused).
    package func run(
        channel upgrading: UpgradingChannel,
        direction: Direction,
        connectionID: UInt64,
        established: @Sendable (MuxedConnection) async throws -> (@Sendable () async -> Void)?,
        serve: @escaping @Sendable (MuxedConnection, YamuxStreamID) async -> Void
    ) async throws {
        let nioChannel = upgrading.socket
        let localAddress = Multiaddr(nioChannel.localAddress)
        let remoteAddress = Multiaddr(nioChannel.remoteAddress)
        var log = logger
        log[metadataKey: "conn.id"] = .stringConvertible(connectionID)
        log[metadataKey: "conn.direction"] = .string(direction.rawValue)
        // However the connection ends, the socket closes (a no-op when it already has).
        defer { nioChannel.close(promise: nil) }

        // The upgrade runs in the pipeline (``UpgradeHandler``), handshake deadline included.
        let result = try await upgrading.upgraded.get()
        let remotePeer = PeerID(publicKey: result.remotePublicKey)
        log[metadataKey: "peer.id"] = .stringConvertible(remotePeer)

        // Segmented output: sent payloads reach the sealer as slices of the writers' arrays (no copy).
        var configuration = yamux
        configuration.segmentedOutput = true
        var session = YamuxSession(role: direction == .outbound ? .client : .server, configuration: configuration)
        let startActions = session.start(now: ConnectionClock.now)
        let connection = MuxedConnection(
            id: connectionID,
            remotePeer: remotePeer,
            remotePublicKey: result.remotePublicKey,
            direction: direction,
            localAddress: localAddress,
            remoteAddress: remoteAddress,
            session: session,
            sink: ChannelSink(channel: nioChannel, sealer: result.sealer),
            executor: ConnectionExecutor(eventLoop: nioChannel.eventLoop)
        )
        connection.performStartActions(startActions)
        if !result.muxerLeftover.isEmpty {
            connection.receive(result.muxerLeftover, now: ConnectionClock.now)
        }
        let followUp: (@Sendable () async -> Void)?
        do {
            followUp = try await established(connection)
        } catch {
            // GoAway is written, then the socket closes; the reader drops what arrives until it does.
            connection.close()
            upgrading.attach(connection, opener: result.opener)
            while await upgrading.inbound.next() != nil {}
            throw error
        }
        // From here each socket read is decrypted and fed to the connection by the reader, on the event loop.
        upgrading.attach(connection, opener: result.opener)
        log.debug("connection established")

        // Keepalive: the session's timer, checked four times a second by the runtime's one ticker (no timer and no
        // sleeping task per connection).
        keepalive.add(connection, on: nioChannel.eventLoop)
        defer { keepalive.remove(connection) }
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                if let followUp { group.addTask { await followUp() } }
                // Inbound streams: a handler task for each stream the peer opens, until the socket ends.
                for id in connection.takeInboundStreams() { group.addTask { await serve(connection, id) } }
                while let streams = await upgrading.inbound.next() {
                    for id in streams { group.addTask { await serve(connection, id) } }
                }
                // Output goes straight from the connection to the socket (``ChannelSink``), which closes once the
                // connection has failed or closed and its last frames are written.
            }
        } onCancel: {
            nioChannel.close(promise: nil)
        }
        log.debug("connection closed", metadata: ["conn.reason": "\(connection.closeReason.map { "\($0)" } ?? "")"])
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to Int64.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : ns &+ attoseconds / 1_000_000_000
    }
}
