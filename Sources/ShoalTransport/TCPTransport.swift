package import NIOCore
public import NIOPosix
public import ShoalCore
public import ShoalMultiformats

/// TCP sockets through SwiftNIO: listening and dialing multiaddrs. Each socket gets its upgrade installed on its
/// event loop (``UpgradingChannel``) and comes out for ``ConnectionRuntime`` to run; nothing above the host sees NIO
/// types.
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

    /// Sets a connection socket's options, synchronously on its event loop (cheaper than the bootstrap's chain of
    /// futures): no Nagle delay, TCP keepalive, the adaptive read sizes, one read per wake-up.
    static func configure(_ channel: any Channel) throws {
        guard let options = channel.syncOptions else {
            throw ShoalError(.internalError, "socket channel without synchronous options")
        }
        try options.setOption(.socketOption(.tcp_nodelay), value: 1)
        try options.setOption(.socketOption(.so_keepalive), value: 1)
        try options.setOption(.recvAllocator, value: receiveAllocator)
        try options.setOption(.maxMessagesPerRead, value: 1)
    }

    /// One of the group's event loops (for timers that belong to no connection).
    package func nextEventLoop() -> any EventLoop { group.next() }

    /// A bound listening socket.
    package typealias Listener = NIOAsyncChannel<UpgradingChannel, Never>

    /// Prepares a new socket on its event loop (installs the upgrade); throwing refuses the socket.
    package typealias Prepare = @Sendable (any Channel) throws -> UpgradingChannel

    /// Binds a listening socket to a `/ip4|ip6/…/tcp/N` multiaddr (port 0 picks a free port).
    /// - Parameter prepare: runs for each accepted socket, on its event loop, before any task sees it.
    /// - Returns: the listener and the multiaddr it is really bound to.
    package func listen(
        _ address: Multiaddr,
        backlog: Int32 = 256,
        prepare: @escaping Prepare
    ) async throws -> (Listener, Multiaddr) {
        let endpoint = try TCPEndpoint(address)
        guard !endpoint.isName else {
            throw ShoalError(.invalidArgument, "listen addresses must be IP literals, got \(address)")
        }
        let listener: Listener
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: backlog)
                .bind(host: endpoint.host, port: Int(endpoint.port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.configure(channel)
                        return try prepare(channel)
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
    /// - Parameter prepare: runs on the socket's event loop before it connects.
    package func dial(
        _ address: Multiaddr,
        timeout: Duration,
        prepare: @escaping Prepare
    ) async throws -> UpgradingChannel {
        let endpoint = try TCPEndpoint(address)
        do {
            let bootstrap = ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(timeout.nanosecondsClamped))
            let wrap: @Sendable (any Channel) -> EventLoopFuture<UpgradingChannel> = { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel)
                    return try prepare(channel)
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
