public import ShoalMultiformats

/// Chooses which of our addresses to announce on an interface.
public enum MDNSAddressFilter {
    /// The addresses of `addresses` a peer on `interface` can dial: IP addresses of that interface, wildcard
    /// addresses (`0.0.0.0`, `::`) expanded to the interface's addresses of the same family, no loopback unless
    /// `includeLoopback`, no IPv6 link-local (they need a zone) and no non-IP addresses.
    /// - Parameters:
    ///   - addresses: our listen addresses.
    ///   - interface: the interface, or nil for "any" (then every address passes the interface test).
    ///   - includeLoopback: whether loopback addresses may be announced.
    public static func reachable(
        _ addresses: [Multiaddr],
        on interface: MDNSInterface?,
        includeLoopback: Bool
    ) -> [Multiaddr] {
        var result: [Multiaddr] = []
        for address in addresses {
            guard let ip = address.ipAddress, let first = address.components.first,
                first.proto == .ip4 || first.proto == .ip6
            else { continue }
            var candidates: [Multiaddr] = []
            if isUnspecified(ip) {
                let rest = Array(address.components.dropFirst())
                for local in interface?.addresses ?? [] where sameFamily(local, ip) {
                    let component: Multiaddr.Component =
                        switch local {
                        case .v4(let v4): .ip4(v4)
                        case .v6(let v6): .ip6(v6)
                        }
                    if let expanded = try? Multiaddr(components: [component] + rest) { candidates.append(expanded) }
                }
            } else if interface == nil || interface?.addresses.contains(ip) == true {
                candidates.append(address)
            }
            for candidate in candidates {
                guard let candidateIP = candidate.ipAddress, !isLinkLocal(candidateIP) else { continue }
                if isLoopback(candidateIP) && !includeLoopback { continue }
                if !result.contains(candidate) { result.append(candidate) }
            }
        }
        return result
    }

    /// The interface's addresses for A/AAAA records (no loopback unless allowed, no link-local).
    public static func hostAddresses(of interface: MDNSInterface?, includeLoopback: Bool) -> [IPAddress] {
        (interface?.addresses ?? []).filter { !isLinkLocal($0) && (includeLoopback || !isLoopback($0)) }
    }

    /// Whether `ip` is 127.0.0.0/8 or ::1.
    public static func isLoopback(_ ip: IPAddress) -> Bool {
        switch ip {
        case .v4(let v4): v4.bytes[0] == 127
        case .v6(let v6): v6.bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
    }

    static func isUnspecified(_ ip: IPAddress) -> Bool { ip.bytes.allSatisfy { $0 == 0 } }

    static func isLinkLocal(_ ip: IPAddress) -> Bool {
        switch ip {
        case .v4: false
        case .v6(let v6): v6.bytes[0] == 0xFE && v6.bytes[1] & 0xC0 == 0x80
        }
    }

    static func sameFamily(_ a: IPAddress, _ b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4, .v4), (.v6, .v6): true
        default: false
        }
    }
}
