// MARK: - Encapsulation

extension Multiaddr {
    /// Appends `other` after this address (`/ip4/1.2.3.4/tcp/1` + `/p2p/Qm…`).
    /// - Returns: the combined address.
    /// - Throws: ``MultiformatsError`` when this address ends in a `unix` path (nothing may follow it) or the
    ///   result is above the limits.
    public func encapsulate(_ other: Multiaddr) throws(MultiformatsError) -> Multiaddr {
        try Multiaddr(components: components + other.components)
    }

    /// Appends one component after this address.
    /// - Throws: the errors of ``encapsulate(_:)``.
    public func encapsulate(_ component: Component) throws(MultiformatsError) -> Multiaddr {
        try Multiaddr(components: components + [component])
    }

    /// Removes the last occurrence of `other` (as a run of whole components) and everything after it.
    ///
    /// `/ip4/1.2.3.4/tcp/80` minus `/tcp/80` is `/ip4/1.2.3.4`. When `other` does not occur, the address is
    /// returned unchanged (as go-multiaddr does).
    /// - Returns: what is left, or nil when nothing is left.
    public func decapsulate(_ other: Multiaddr) -> Multiaddr? {
        let needle = other.components
        guard needle.count <= components.count else { return self }
        for start in stride(from: components.count - needle.count, through: 0, by: -1)
        where Array(components[start..<(start + needle.count)]) == needle {
            return start == 0 ? nil : Multiaddr(trusted: Array(components[..<start]))
        }
        return self
    }

    /// Removes the last component of protocol `proto` and everything after it (e.g. `.p2p` to drop the peer ID).
    /// - Returns: what is left (unchanged when `proto` does not occur), or nil when nothing is left.
    public func decapsulate(_ proto: MultiaddrProtocol) -> Multiaddr? {
        guard let index = components.lastIndex(where: { $0.proto == proto }) else { return self }
        return index == 0 ? nil : Multiaddr(trusted: Array(components[..<index]))
    }

    /// A prefix of a valid address's components is valid and within the limits.
    private init(trusted components: [Component]) {
        var bytes: [UInt8] = []
        for component in components {
            component.append(to: &bytes)
        }
        self.init(storage: bytes, components: components)
    }
}

// MARK: - Accessors

extension Multiaddr {
    /// The first component of protocol `proto`, if any.
    public func first(_ proto: MultiaddrProtocol) -> Component? {
        components.first { $0.proto == proto }
    }

    /// The last component of protocol `proto`, if any.
    public func last(_ proto: MultiaddrProtocol) -> Component? {
        components.last { $0.proto == proto }
    }

    /// Whether any component has protocol `proto`.
    public func contains(_ proto: MultiaddrProtocol) -> Bool {
        components.contains { $0.proto == proto }
    }

    /// The binary peer ID (multihash bytes) of the last `/p2p` component, if any.
    public var peerIDBytes: [UInt8]? { last(.p2p)?.value }

    /// The peer-ID multihash of the last `/p2p` component, if any.
    public var peerIDMultihash: Multihash? {
        guard let bytes = peerIDBytes else { return nil }
        return try? Multihash(bytes: bytes)
    }

    /// The port of the first `/tcp` component, if any.
    public var tcpPort: UInt16? { first(.tcp).map(Multiaddr.port) }

    /// The port of the first `/udp` component, if any.
    public var udpPort: UInt16? { first(.udp).map(Multiaddr.port) }

    /// The address of the first `/ip4` or `/ip6` component, if any.
    public var ipAddress: IPAddress? {
        for component in components {
            if component.proto == .ip4, let address = IPv4Address(bytes: component.value) {
                return .v4(address)
            }
            if component.proto == .ip6, let address = IPv6Address(bytes: component.value) {
                return .v6(address)
            }
        }
        return nil
    }

    /// The zone of an `/ip6zone` component directly before the first `/ip6`, if any (`eth0`).
    public var ip6Zone: String? {
        guard let index = components.firstIndex(where: { $0.proto == .ip6 }), index > 0,
            components[index - 1].proto == .ip6zone
        else { return nil }
        return components[index - 1].valueText
    }

    /// The name of the first `/dns`, `/dns4`, `/dns6` or `/dnsaddr` component, if any.
    public var dnsName: String? {
        components.first { [.dns, .dns4, .dns6, .dnsaddr].contains($0.proto) }?.valueText
    }

    private static func port(_ component: Component) -> UInt16 {
        (UInt16(component.value[0]) << 8) | UInt16(component.value[1])
    }
}

// MARK: - Codable

extension Multiaddr: Codable {
    /// Decodes a multiaddr from its text form (a single string value).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    /// Encodes the text form as a single string value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
