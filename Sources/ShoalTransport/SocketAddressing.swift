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
    package init?(_ socketAddress: SocketAddress?) {
        guard let socketAddress, let ip = socketAddress.ipAddress, let port = socketAddress.port else { return nil }
        let family = socketAddress.protocol == .inet6 ? "ip6" : "ip4"
        try? self.init("/\(family)/\(ip)/tcp/\(port)")
    }
}
