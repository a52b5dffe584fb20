import ShoalCore
public import ShoalMultiformats
import ShoalSWIM

// MARK: - MemberAddress

/// Where a member can be reached: its SWIM UDP endpoint and, when it has one, its host's TCP port on the same IP
/// (push-pull and the fallback ping use host streams there).
///
/// Inside SWIM records (``SWIM/Address``, signed by the member) it is encoded as
/// ```
/// u8 version = 1 | u8 family (4 or 6) | IP (4 or 16 bytes) | u16 UDP port | u16 TCP port (0: no host address)
/// ```
/// (10 bytes for IPv4, 22 for IPv6; big-endian ports).
public struct MemberAddress: Hashable, Sendable, CustomStringConvertible {
    /// The IP address (of the UDP socket and of the host).
    public var ip: IPAddress
    /// The SWIM UDP port.
    public var udpPort: UInt16
    /// The host's TCP port on the same IP, if it listens there.
    public var tcpPort: UInt16?

    static let version: UInt8 = 1

    /// Creates an address.
    public init(ip: IPAddress, udpPort: UInt16, tcpPort: UInt16?) {
        self.ip = ip
        self.udpPort = udpPort
        self.tcpPort = tcpPort
    }

    /// The SWIM endpoint as a multiaddr: `/ip4/A/udp/N` (or `/ip6/…`).
    public var udpMultiaddr: Multiaddr {
        // Both components are valid by construction, so the initializer cannot fail.
        (try? Multiaddr(components: [ipComponent, .udp(udpPort)]))!
    }

    /// The host's TCP address without `/p2p` (`/ip4/A/tcp/N`), if known.
    public var tcpMultiaddr: Multiaddr? {
        tcpPort.flatMap { try? Multiaddr(components: [ipComponent, .tcp($0)]) }
    }

    var ipComponent: Multiaddr.Component {
        switch ip {
        case .v4(let a): return .ip4(a)
        case .v6(let a): return .ip6(a)
        }
    }

    /// A short human-readable form.
    public var description: String {
        tcpPort.map { "\(udpMultiaddr)+tcp/\($0)" } ?? udpMultiaddr.description
    }

    // MARK: - Encoding

    /// The record encoding.
    var swimAddress: SWIM.Address {
        var bytes: [UInt8] = [Self.version]
        switch ip {
        case .v4(let a):
            bytes.append(4)
            bytes += a.bytes
        case .v6(let a):
            bytes.append(6)
            bytes += a.bytes
        }
        let tcp = tcpPort ?? 0
        bytes += [UInt8(udpPort >> 8), UInt8(udpPort & 0xFF), UInt8(tcp >> 8), UInt8(tcp & 0xFF)]
        // At most 22 bytes, under SWIM.Address.maxByteCount.
        return (try? SWIM.Address(bytes))!
    }

    /// Decodes the record encoding.
    /// - Throws: ``ShoalError`` `.malformedInput` for anything but a well-formed version-1 address.
    init(swimAddress: SWIM.Address) throws {
        let b = swimAddress.bytes
        guard b.count >= 2, b[0] == Self.version else {
            throw ShoalError(.malformedInput, "SWIM member address: unknown version or too short")
        }
        let ipCount: Int
        switch b[1] {
        case 4: ipCount = 4
        case 6: ipCount = 16
        default: throw ShoalError(.malformedInput, "SWIM member address: unknown family \(b[1])")
        }
        guard b.count == 2 + ipCount + 4 else {
            throw ShoalError(.malformedInput, "SWIM member address of \(b.count) bytes has the wrong length")
        }
        let ipBytes = Array(b[2..<(2 + ipCount)])
        if ipCount == 4, let a = IPv4Address(bytes: ipBytes) {
            ip = .v4(a)
        } else if let a = IPv6Address(bytes: ipBytes) {
            ip = .v6(a)
        } else {
            throw ShoalError(.malformedInput, "SWIM member address: bad IP bytes")
        }
        let p = 2 + ipCount
        udpPort = UInt16(b[p]) << 8 | UInt16(b[p + 1])
        let tcp = UInt16(b[p + 2]) << 8 | UInt16(b[p + 3])
        tcpPort = tcp == 0 ? nil : tcp
        guard udpPort != 0 else { throw ShoalError(.malformedInput, "SWIM member address with UDP port 0") }
    }
}
