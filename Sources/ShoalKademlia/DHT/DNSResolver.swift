import ShoalCore
public import ShoalMultiformats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address family asked of ``DNSResolver/resolveAddresses(of:family:)``.
public enum DNSAddressFamily: Hashable, Sendable {
    /// A records.
    case ipv4
    /// AAAA records.
    case ipv6
    /// Both.
    case any
}

/// Name resolution for DNS multiaddrs. Tests use a fake; ``SystemDNSResolver`` uses the operating system.
public protocol DNSResolver: Sendable {
    /// The IP addresses of a host name.
    /// - Throws: ``ShoalError`` when the name does not resolve.
    func resolveAddresses(of name: String, family: DNSAddressFamily) async throws -> [IPAddress]
    /// The TXT records of a name (each record's strings joined).
    /// - Throws: ``ShoalError`` `.unsupported` when the resolver cannot query TXT records.
    func resolveTXT(_ name: String) async throws -> [String]
}

/// The operating system's resolver: `getaddrinfo` for A/AAAA. TXT lookups are not available without a DNS
/// library, so ``resolveTXT(_:)`` throws `.unsupported` (`/dnsaddr` needs another resolver).
public struct SystemDNSResolver: DNSResolver {
    /// A resolver.
    public init() {}

    /// Resolves with `getaddrinfo` (a blocking call, made once per DNS multiaddr).
    public func resolveAddresses(of name: String, family: DNSAddressFamily) async throws -> [IPAddress] {
        var hints = addrinfo()
        switch family {
        case .ipv4: hints.ai_family = AF_INET
        case .ipv6: hints.ai_family = AF_INET6
        case .any: hints.ai_family = AF_UNSPEC
        }
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0 else {
            throw ShoalError(.io, "cannot resolve \(name): getaddrinfo error \(status)")
        }
        defer { freeaddrinfo(list) }
        var out: [IPAddress] = []
        var cursor = list
        while let entry = cursor, out.count < 32 {
            if let address = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                    }
                    if let ip = IPv4Address(bytes: bytes), !out.contains(.v4(ip)) { out.append(.v4(ip)) }
                } else if entry.pointee.ai_family == AF_INET6 {
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                    }
                    if let ip = IPv6Address(bytes: bytes), !out.contains(.v6(ip)) { out.append(.v6(ip)) }
                }
            }
            cursor = entry.pointee.ai_next
        }
        return out
    }

    /// Always throws: no TXT lookups without a DNS library.
    public func resolveTXT(_ name: String) async throws -> [String] {
        throw ShoalError(.unsupported, "TXT lookups (for /dnsaddr/\(name)) are not supported by the system resolver")
    }
}

/// Resolves `/dns`, `/dns4`, `/dns6` and `/dnsaddr` multiaddrs into IP multiaddrs.
///
/// `/dnsaddr/<domain>` looks up the TXT records of `_dnsaddr.<domain>`, keeps those of the form
/// `dnsaddr=<multiaddr>` whose trailing components equal what followed `/dnsaddr/<domain>` in the original
/// address (e.g. `/p2p/<id>`: wire.md §4.3), and resolves them in turn, at most ``maximumDepth`` levels deep.
public struct MultiaddrResolver: Sendable {
    /// The deepest `/dnsaddr` recursion.
    public static let maximumDepth = 4
    /// The most addresses returned.
    public static let maximumResults = 64

    /// The name resolver.
    public let resolver: any DNSResolver

    /// A resolver over `resolver`.
    public init(resolver: any DNSResolver) {
        self.resolver = resolver
    }

    /// The IP multiaddrs of `address` (itself when it starts with no DNS component).
    /// - Throws: ``ShoalError`` `.limitExceeded` past ``maximumDepth``, or the resolver's errors.
    public func resolve(_ address: Multiaddr) async throws -> [Multiaddr] {
        var out: [Multiaddr] = []
        try await resolve(address, depth: 0, into: &out)
        return out
    }

    private func resolve(_ address: Multiaddr, depth: Int, into out: inout [Multiaddr]) async throws {
        guard out.count < Self.maximumResults else { return }
        guard let first = address.components.first else { return }
        let rest = Array(address.components.dropFirst())
        let name = first.valueText ?? ""
        switch first.proto {
        case .dns, .dns4, .dns6:
            let family: DNSAddressFamily = first.proto == .dns4 ? .ipv4 : first.proto == .dns6 ? .ipv6 : .any
            for ip in try await resolver.resolveAddresses(of: name, family: family) {
                let component: Multiaddr.Component
                switch ip {
                case .v4(let v4): component = .ip4(v4)
                case .v6(let v6): component = .ip6(v6)
                }
                if out.count < Self.maximumResults { out.append(try Multiaddr(components: [component] + rest)) }
            }
        case .dnsaddr:
            guard depth < Self.maximumDepth else {
                throw ShoalError(.limitExceeded, "/dnsaddr recursion deeper than \(Self.maximumDepth) levels")
            }
            for record in try await resolver.resolveTXT("_dnsaddr." + name).prefix(64) {
                guard record.hasPrefix("dnsaddr="),
                    let candidate = try? Multiaddr(String(record.dropFirst("dnsaddr=".count)))
                else { continue }
                guard candidate.components.count >= rest.count,
                    Array(candidate.components.suffix(rest.count)) == rest
                else { continue }
                try await resolve(candidate, depth: depth + 1, into: &out)
            }
        default:
            out.append(address)
        }
    }
}
