package import NIOCore
public import NIOPosix
public import ShoalCore
public import ShoalMultiformats

/// TCP sockets through SwiftNIO: listening and dialing multiaddrs. Connections come out as NIO async channels for
/// ``ConnectionRuntime`` to upgrade; nothing above the host sees NIO types.
public struct TCPTransport: Sendable {
    /// How connections size their socket reads: small while idle (NIO keeps one small pooled buffer per
    /// connection: one read per wake-up, `maxMessagesPerRead` 1), growing to 256 KiB under load so that a read
    /// carries several Noise frames.
    static var receiveAllocator: AdaptiveRecvByteBufferAllocator {
        AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 256 * 1024)
    }

    /// The event loops the sockets run on.
    public let group: MultiThreadedEventLoopGroup

    /// A transport on `group` (by default the shared singleton group, one loop per core).
    public init(group: MultiThreadedEventLoopGroup = .singleton) {
        self.group = group
    }

    /// A bound listening socket.
    package typealias Listener = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    /// Binds a listening socket to a `/ip4|ip6/…/tcp/N` multiaddr (port 0 picks a free port).
    /// - Returns: the listener and the multiaddr it is really bound to.
    package func listen(_ address: Multiaddr, backlog: Int32 = 256) async throws -> (Listener, Multiaddr) {
        let endpoint = try TCPEndpoint(address)
        guard !endpoint.isName else {
            throw ShoalError(.invalidArgument, "listen addresses must be IP literals, got \(address)")
        }
        let listener: Listener
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: backlog)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                .childChannelOption(.recvAllocator, value: Self.receiveAllocator)
                .childChannelOption(.maxMessagesPerRead, value: 1)
                .bind(host: endpoint.host, port: Int(endpoint.port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ShoalError(.io, "cannot listen on \(address)", cause: error)
        }
        guard let bound = Multiaddr(listener.channel.localAddress) else {
            throw ShoalError(.internalError, "listener on \(address) has no IP address")
        }
        return (listener, bound)
    }

    /// Opens a TCP connection to a `/ip4|ip6|dns|dns4|dns6/…/tcp/N[/p2p/ID]` multiaddr.
    package func dial(_ address: Multiaddr, timeout: Duration) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let endpoint = try TCPEndpoint(address)
        do {
            let bootstrap = ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelOption(.recvAllocator, value: Self.receiveAllocator)
                .channelOption(.maxMessagesPerRead, value: 1)
                .connectTimeout(.nanoseconds(timeout.nanosecondsClamped))
            let wrap: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
            // A literal address is connected to directly (no resolver, no Happy Eyeballs).
            if !endpoint.isName, let target = try? SocketAddress(ipAddress: endpoint.host, port: Int(endpoint.port)) {
                return try await bootstrap.connect(to: target, channelInitializer: wrap)
            }
            return try await bootstrap.connect(host: endpoint.host, port: Int(endpoint.port), channelInitializer: wrap)
        } catch {
            throw ShoalError(.io, "cannot connect to \(endpoint)", cause: error)
        }
    }
}
