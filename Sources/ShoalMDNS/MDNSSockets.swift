import Logging
import NIOCore
import NIOPosix
import ShoalCore
import ShoalMultiformats
import Synchronization

#if canImport(Glibc)
import CNIOLinux
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The multicast sockets of one ``MDNSService`` run: one IPv4 and (optionally) one IPv6 UDP socket on port 5353.
final class MDNSSockets: Sendable {
    /// The mDNS port.
    static let port = 5353
    /// The IPv4 group.
    static let groupV4 = "224.0.0.251"
    /// The IPv6 group.
    static let groupV6 = "ff02::fb"

    let interfaces: [MDNSInterface]
    let v4: (any Channel)?
    let v6: (any Channel)?
    let logger: Logger
    let receiver: MDNSReceiver

    init(interfaces: [MDNSInterface], v4: (any Channel)?, v6: (any Channel)?, receiver: MDNSReceiver, logger: Logger) {
        self.interfaces = interfaces
        self.v4 = v4
        self.v6 = v6
        self.receiver = receiver
        self.logger = logger
    }

    /// Sets the function every received datagram goes to (with the interface index it came in on).
    func setReceiver(_ callback: @escaping @Sendable ([UInt8], Int?) -> Void) {
        receiver.callback.withLock { $0 = callback }
    }

    // MARK: - Opening

    /// Picks the interfaces, binds the sockets and joins the groups.
    static func open(configuration: MDNSConfiguration, logger: Logger) async throws -> MDNSSockets {
        let devices: [NIONetworkDevice]
        do { devices = try System.enumerateDevices() } catch {
            throw ShoalError(.io, "cannot list network interfaces", cause: error)
        }
        let chosen = try choose(devices, configuration: configuration)
        let interfaces = chosen.map(\.interface)
        let box = MDNSReceiver()
        let v4Devices = chosen.filter { $0.v4 != nil }
        let v6Devices = configuration.enableIPv6 ? chosen.filter { $0.v6 != nil } : []
        var v4: (any Channel)?
        var v6: (any Channel)?
        if !v4Devices.isEmpty {
            v4 = try await bind(host: "0.0.0.0", box: box, ipv6: false)
            for device in v4Devices {
                do {
                    let group = try SocketAddress(ipAddress: groupV4, port: port)
                    try await (v4 as? any MulticastChannel)?.joinGroup(group, device: device.v4).get()
                } catch {
                    try? await v4?.close()
                    throw ShoalError(
                        .io,
                        "cannot join \(groupV4) on \(device.interface.name) (is the interface flagged MULTICAST?)",
                        cause: error
                    )
                }
            }
            if let provider = v4 as? any SocketOptionProvider {
                try await provider.setIPMulticastLoop(1).get()
                try await provider.setIPMulticastTTL(255).get()
            }
        }
        if !v6Devices.isEmpty {
            do {
                let channel = try await bind(host: "::", box: box, ipv6: true)
                v6 = channel
                for device in v6Devices {
                    try await (channel as? any MulticastChannel)?.joinGroup(
                        try SocketAddress(ipAddress: groupV6, port: port),
                        device: device.v6
                    ).get()
                }
                if let provider = channel as? any SocketOptionProvider {
                    try await provider.setIPv6MulticastLoop(1).get()
                    try await provider.setIPv6MulticastHops(255).get()
                }
            } catch {
                logger.debug("mdns: IPv6 unavailable", metadata: ["error": "\(error)"])
                try? await v6?.close()
                v6 = nil
            }
        }
        guard v4 != nil || v6 != nil else {
            throw ShoalError(.io, "no mDNS socket could be opened on \(interfaces.map(\.name))")
        }
        return MDNSSockets(interfaces: interfaces, v4: v4, v6: v6, receiver: box, logger: logger)
    }

    struct Chosen {
        var interface: MDNSInterface
        var v4: NIONetworkDevice?
        var v6: NIONetworkDevice?
    }

    /// Groups devices by name and keeps the configured (or every multicast-capable) interfaces with an address.
    static func choose(_ devices: [NIONetworkDevice], configuration: MDNSConfiguration) throws -> [Chosen] {
        var byName: [String: Chosen] = [:]
        var order: [String] = []
        for device in devices {
            guard let address = device.address, let ip = ipAddress(of: address) else { continue }
            let loopback = MDNSAddressFilter.isLoopback(ip)
            if configuration.interfaceNames.isEmpty {
                guard device.multicastSupported || (loopback && configuration.includeLoopback) else { continue }
                if loopback && !configuration.includeLoopback { continue }
            } else if !configuration.interfaceNames.contains(device.name) {
                continue
            }
            var entry =
                byName[device.name]
                ?? Chosen(interface: MDNSInterface(name: device.name, index: device.interfaceIndex, addresses: []))
            if byName[device.name] == nil { order.append(device.name) }
            entry.interface.addresses.append(ip)
            switch ip {
            case .v4: if entry.v4 == nil { entry.v4 = device }
            case .v6: if entry.v6 == nil { entry.v6 = device }
            }
            byName[device.name] = entry
        }
        for name in configuration.interfaceNames where byName[name] == nil {
            throw ShoalError(.invalidArgument, "mDNS interface \(name) does not exist or has no IP address")
        }
        let chosen = order.compactMap { byName[$0] }
        guard !chosen.isEmpty else {
            throw ShoalError(.invalidArgument, "no multicast-capable interface with an IP address for mDNS")
        }
        return chosen
    }

    static func ipAddress(of address: SocketAddress) -> IPAddress? {
        switch address {
        case .v4:
            return address.ipAddress.flatMap { IPv4Address($0) }.map { .v4($0) }
        case .v6:
            return address.ipAddress.flatMap { IPv6Address($0) }.map { .v6($0) }
        default:
            return nil
        }
    }

    static func bind(host: String, box: MDNSReceiver, ipv6: Bool) async throws -> any Channel {
        var bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .channelOption(.receivePacketInfo, value: true)
        if ipv6 {
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only),
                value: 1
            )
        }
        return
            try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MDNSInboundHandler(box: box))
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    // MARK: - Sending

    /// Multicasts `bytes` on `interface` (nil: every interface), on IPv4 and IPv6.
    func send(_ bytes: [UInt8], interface: String?) async {
        for target in interfaces where interface == nil || target.name == interface {
            do {
                if let channel = v4, let provider = channel as? any SocketOptionProvider,
                    case .v4(let local) = target.addresses.first(where: { if case .v4 = $0 { true } else { false } })
                {
                    // IP_MULTICAST_IF takes a struct in_addr: four bytes in network order.
                    var raw = in_addr()
                    withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: local.bytes) }
                    try await provider.setIPMulticastIF(raw).get()
                    try await write(bytes, to: try SocketAddress(ipAddress: Self.groupV4, port: Self.port), on: channel)
                }
                if let channel = v6, let provider = channel as? any SocketOptionProvider,
                    target.addresses.contains(where: { if case .v6 = $0 { true } else { false } })
                {
                    try await provider.setIPv6MulticastIF(CUnsignedInt(target.index)).get()
                    try await write(bytes, to: try SocketAddress(ipAddress: Self.groupV6, port: Self.port), on: channel)
                }
            } catch {
                logger.debug("mdns send failed", metadata: ["interface": "\(target.name)", "error": "\(error)"])
            }
        }
    }

    func write(_ bytes: [UInt8], to address: SocketAddress, on channel: any Channel) async throws {
        let envelope = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))
        try await channel.writeAndFlush(envelope).get()
    }

    func close() async {
        try? await v4?.close()
        try? await v6?.close()
    }
}

/// Holds the function datagrams are handed to; shared by the channel handlers and the service.
final class MDNSReceiver: Sendable {
    let callback = Mutex<(@Sendable ([UInt8], Int?) -> Void)?>(nil)

    func deliver(_ bytes: [UInt8], interfaceIndex: Int?) {
        let callback = self.callback.withLock { $0 }
        callback?(bytes, interfaceIndex)
    }
}

/// Hands each datagram to the receiver.
final class MDNSInboundHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let box: MDNSReceiver

    init(box: MDNSReceiver) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.data.readableBytes <= DNSMessage.maximumPacketSize else { return }
        box.deliver(
            Array(envelope.data.readableBytesView),
            interfaceIndex: envelope.metadata?.packetInfo?.interfaceIndex
        )
    }
}
