import NIOCore
import NIOPosix
import ShoalCore
import ShoalMultiformats
import ShoalSWIM
import Synchronization

// MARK: - DatagramSocket

/// The UDP socket of one ``SWIMService`` run (NIO stays inside this file and the service's shell code).
final class DatagramSocket: Sendable {
    /// One received datagram.
    struct Datagram: Sendable {
        var bytes: [UInt8]
        var source: SocketAddress
    }

    let channel: any Channel
    /// The bound port.
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Binds `host:port` and hands every datagram of at most `maxBytes` to `deliver`; larger ones go to `oversized`.
    static func bind(
        host: String,
        port: Int,
        maxBytes: Int,
        deliver: @escaping @Sendable (Datagram) -> Void,
        oversized: @escaping @Sendable () -> Void
    ) async throws -> DatagramSocket {
        let channel: any Channel
        do {
            channel =
                try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                // Read up to 2 KiB so that oversized datagrams are seen (and counted) rather than truncated.
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            DatagramInboundHandler(maxBytes: maxBytes, deliver: deliver, oversized: oversized)
                        )
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            throw ShoalError(.io, "cannot bind the SWIM UDP socket on \(host):\(port)", cause: error)
        }
        return DatagramSocket(channel: channel, port: channel.localAddress?.port ?? port)
    }

    /// Sends one datagram (fire and forget; a failure is reported to `failed`).
    func send(_ bytes: [UInt8], to address: SocketAddress, failed: @escaping @Sendable () -> Void) {
        let envelope = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { _ in failed() }
        channel.writeAndFlush(envelope, promise: promise)
    }

    func close() async {
        try? await channel.close()
    }
}

/// Hands each datagram to the service.
final class DatagramInboundHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let maxBytes: Int
    let deliver: @Sendable (DatagramSocket.Datagram) -> Void
    let oversized: @Sendable () -> Void

    init(
        maxBytes: Int,
        deliver: @escaping @Sendable (DatagramSocket.Datagram) -> Void,
        oversized: @escaping @Sendable () -> Void
    ) {
        self.maxBytes = maxBytes
        self.deliver = deliver
        self.oversized = oversized
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.data.readableBytes <= maxBytes else {
            oversized()
            return
        }
        deliver(DatagramSocket.Datagram(bytes: Array(envelope.data.readableBytesView), source: envelope.remoteAddress))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here; a datagram socket stays usable.
    }
}

// MARK: - Address conversion

extension MemberAddress {
    /// The UDP socket address.
    var udpSocketAddress: SocketAddress? {
        try? SocketAddress(ipAddress: ip.description, port: Int(udpPort))
    }

    /// The address a datagram came from (no host port known).
    init?(source: SocketAddress) {
        guard let text = source.ipAddress, let port = source.port, port > 0, port <= 65535 else { return nil }
        if let a = IPv4Address(text) {
            self.init(ip: .v4(a), udpPort: UInt16(port), tcpPort: nil)
        } else if let a = IPv6Address(text) {
            self.init(ip: .v6(a), udpPort: UInt16(port), tcpPort: nil)
        } else {
            return nil
        }
    }
}
