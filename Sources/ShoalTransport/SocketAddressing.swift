package import NIOCore
public import ShoalCore
public import ShoalMultiformats

/// Where a TCP multiaddr points: a host name or literal address and a port.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address family a name must resolve to.
    public enum Family: Sendable, Hashable {
        /// IPv4 only (`/ip4`, `/dns4`).
        case ipv4
        /// IPv6 only (`/ip6`, `/dns6`).
        case ipv6
        /// Either (`/dns`).
        case any
    }

    /// The literal address or DNS name.
    public var host: String
    /// The TCP port.
    public var port: UInt16
    /// Which family the host must be.
    public var family: Family
    /// Whether `host` is a DNS name rather than a literal address.
    public var isName: Bool

    public var description: String { family == .ipv6 && !isName ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The TCP endpoint of `/ip4|ip6|dns|dns4|dns6/…/tcp/N[/p2p/…]`.
    /// - Throws: ``ShoalError`` with code `invalidArgument` for any other shape.
    public init(_ address: Multiaddr) throws {
        let parts = address.components
        guard parts.count >= 2, parts[1].proto == .tcp, let port = address.tcpPort else {
            throw ShoalError(
                .invalidArgument,
                "multiaddr \(address) is not a TCP address (/ip4|ip6|dns4|dns6/…/tcp/PORT)"
            )
        }
        let rest = parts.dropFirst(2)
        guard rest.allSatisfy({ $0.proto == .p2p }), rest.count <= 1 else {
            throw ShoalError(.unsupported, "multiaddr \(address) has components after /tcp that Shoal cannot dial")
        }
        self.port = port
        switch parts[0].proto {
        case .ip4:
            host = parts[0].valueText ?? ""
            family = .ipv4
            isName = false
        case .ip6:
            host = parts[0].valueText ?? ""
            family = .ipv6
            isName = false
        case .dns4:
            host = parts[0].valueText ?? ""
            family = .ipv4
            isName = true
        case .dns6:
            host = parts[0].valueText ?? ""
            family = .ipv6
            isName = true
        case .dns:
            host = parts[0].valueText ?? ""
            family = .any
            isName = true
        default:
            throw ShoalError(.unsupported, "cannot dial \(parts[0].name) addresses over TCP: \(address)")
        }
    }
}

extension Multiaddr {
    /// The `/ip4|ip6/…/tcp/PORT` multiaddr of a socket address; nil for Unix sockets.
    ///
    /// Built from the socket address's bytes (no text formatted and parsed again: this runs for every connection).
    package init?(_ socketAddress: SocketAddress?) {
        guard let socketAddress, let port = socketAddress.port, (0...Int(UInt16.max)).contains(port) else {
            return nil
        }
        let ip: Component
        switch socketAddress {
        case .v4(let v4):
            // `sockaddr_in`: family and port (4 bytes), then the address (Linux and Darwin alike).
            let bytes = withUnsafeBytes(of: v4.address) { Array($0[4..<8]) }
            guard let address = IPv4Address(bytes: bytes) else { return nil }
            ip = .ip4(address)
        case .v6(let v6):
            // `sockaddr_in6`: family and port (4 bytes), flow information (4), then the address.
            let bytes = withUnsafeBytes(of: v6.address) { Array($0[8..<24]) }
            guard let address = IPv6Address(bytes: bytes) else { return nil }
            ip = .ip6(address)
        case .unixDomainSocket:
            return nil
        }
        try? self.init(components: [ip, .tcp(UInt16(port))])
    }
}
