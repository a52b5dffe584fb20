public import ShoalCore
public import ShoalMultiformats

/// A peer found in an mDNS response: its ID and the dialable addresses (each ending in `/p2p/<id>`).
public struct MDNSDiscoveredPeer: Hashable, Sendable {
    /// The peer.
    public var peer: PeerID
    /// The addresses, each ending in `/p2p/<peer>`.
    public var addresses: [Multiaddr]
    /// The TTL the responder gave, in seconds (0 = goodbye).
    public var ttl: UInt32

    /// A discovered peer.
    public init(peer: PeerID, addresses: [Multiaddr], ttl: UInt32) {
        self.peer = peer
        self.addresses = addresses
        self.ttl = ttl
    }
}

/// Builds libp2p mDNS queries and responses and extracts peers from responses in the go, rust and py formats
/// (wire.md §10).
public enum MDNSAnnouncement {
    /// The libp2p service name.
    public static let serviceName = DNSName(validLabels: [Array("_p2p".utf8), Array("_udp".utf8), Array("local".utf8)])
    /// The DNS-SD service enumeration name (RFC 6763 §9).
    public static let servicesMetaName = DNSName(validLabels: [
        Array("_services".utf8), Array("_dns-sd".utf8), Array("_udp".utf8), Array("local".utf8),
    ])
    /// The TXT key of one address.
    public static let addressKey = "dnsaddr"
    /// The largest response we build (one Ethernet MTU, as go-libp2p keeps it).
    public static let maximumResponseSize = 1400
    /// The SRV port libp2p peers publish (a placeholder: the real ports are in TXT).
    public static let placeholderPort: UInt16 = 4001

    // MARK: - Building

    /// A PTR query for the libp2p service.
    public static func query(id: UInt16 = 0) -> DNSMessage {
        DNSMessage(id: id, flags: 0, questions: [DNSQuestion(name: serviceName, type: DNSRecordType.ptr)])
    }

    /// The answer to the DNS-SD meta query: `_services._dns-sd._udp.local PTR _p2p._udp.local`.
    public static func metaResponse(ttl: UInt32) -> DNSMessage {
        DNSMessage(
            flags: DNSMessage.responseFlags,
            answers: [DNSRecord(name: servicesMetaName, ttl: ttl, data: .ptr(serviceName))]
        )
    }

    /// A response announcing `addresses` under `peerName`: PTR in Answer; TXT, SRV and A/AAAA in Additional.
    ///
    /// Addresses that would push the packet past ``maximumResponseSize`` are left out.
    /// - Parameters:
    ///   - peerName: the random instance label.
    ///   - peer: our peer ID, appended as `/p2p/<id>` to each address.
    ///   - addresses: our addresses (without `/p2p`).
    ///   - hostAddresses: the IPs for the A/AAAA records.
    ///   - ttl: seconds; 0 makes a goodbye.
    /// - Throws: ``ShoalError`` when the peer name is not a valid label.
    public static func response(
        peerName: String,
        peer: PeerID,
        addresses: [Multiaddr],
        hostAddresses: [IPAddress],
        ttl: UInt32
    ) throws(ShoalError) -> DNSMessage {
        let instance = try serviceName.prepending(peerName)
        let host = try DNSName(labels: [Array(peerName.utf8), Array("local".utf8)])
        var message = DNSMessage(flags: DNSMessage.responseFlags)
        message.answers = [DNSRecord(name: serviceName, ttl: ttl, data: .ptr(instance))]
        var extras: [DNSRecord] = [
            DNSRecord(
                name: instance,
                ttl: ttl,
                data: .srv(
                    priority: 0,
                    weight: 0,
                    port: addresses.lazy.compactMap(\.tcpPort).first ?? placeholderPort,
                    target: host
                ),
                cacheFlush: true
            )
        ]
        for ip in hostAddresses {
            switch ip {
            case .v4(let v4): extras.append(DNSRecord(name: host, ttl: ttl, data: .a(v4), cacheFlush: true))
            case .v6(let v6): extras.append(DNSRecord(name: host, ttl: ttl, data: .aaaa(v6), cacheFlush: true))
            }
        }
        var strings: [[UInt8]] = []
        let base =
            (try? DNSMessage(flags: message.flags, answers: message.answers, additionals: extras).encoded().count) ?? 0
        var size = base + instance.wireLength + 10
        for address in addresses {
            guard let full = try? address.encapsulate(Multiaddr.Component.p2p(peer.bytes)) else { continue }
            let string = Array("\(addressKey)=\(full)".utf8)
            guard string.count <= 255, strings.count < DNSMessage.maximumTXTStrings,
                size + 1 + string.count <= maximumResponseSize
            else { continue }
            size += 1 + string.count
            strings.append(string)
        }
        extras.insert(DNSRecord(name: instance, ttl: ttl, data: .txt(strings), cacheFlush: true), at: 0)
        message.additionals = extras
        return message
    }

    // MARK: - Parsing

    /// What parsing one response produced.
    public struct ParseResult: Sendable, Equatable {
        /// The peers found, one entry per PTR target with at least one valid address.
        public var peers: [MDNSDiscoveredPeer] = []
        /// The instance names (PTR targets) seen, ours included.
        public var instanceNames: [DNSName] = []
        /// TXT strings dropped: not a multiaddr, no `/p2p/<id>` at the end, or a bad peer ID.
        public var rejectedStrings = 0
        /// Records dropped because their strings named different peers.
        public var rejectedRecords = 0
    }

    /// Extracts peers from a response, accepting the go (SRV+TXT+A in Additional), rust (bare-label PTR target,
    /// TXT owned by it) and py (`dnsaddr=`, `dnsaddr2=`, …) formats. TXT records are taken from any section.
    public static func parse(_ message: DNSMessage) -> ParseResult {
        var result = ParseResult()
        guard message.isResponse else { return result }
        let records = message.allRecords
        var targets: [DNSName] = []
        var ttls: [DNSName: UInt32] = [:]
        for record in records where record.name == serviceName {
            guard case .ptr(let target) = record.data, !targets.contains(target) else { continue }
            targets.append(target)
            ttls[target] = record.ttl
        }
        result.instanceNames = targets
        for target in targets {
            var strings: [[UInt8]] = []
            for record in records where record.name == target {
                if case .txt(let values) = record.data { strings += values }
            }
            var peer: PeerID?
            var addresses: [Multiaddr] = []
            var conflict = false
            for string in strings {
                guard let address = dnsaddr(string) else {
                    if isAddressKey(string) { result.rejectedStrings += 1 }
                    continue
                }
                guard let idBytes = address.peerIDBytes, address.components.last?.proto == .p2p,
                    let id = try? PeerID(bytes: idBytes)
                else {
                    result.rejectedStrings += 1
                    continue
                }
                if let known = peer, known != id { conflict = true }
                peer = peer ?? id
                if !addresses.contains(address) { addresses.append(address) }
            }
            if conflict {
                result.rejectedRecords += 1
                continue
            }
            if let peer, !addresses.isEmpty {
                result.peers.append(MDNSDiscoveredPeer(peer: peer, addresses: addresses, ttl: ttls[target] ?? 0))
            }
        }
        return result
    }

    /// Whether a TXT string has a `dnsaddr` key (`dnsaddr`, `dnsaddr2`, …).
    static func isAddressKey(_ string: [UInt8]) -> Bool {
        guard let equals = string.firstIndex(of: UInt8(ascii: "=")) else { return false }
        let key = DNSName.fold(Array(string[..<equals]))
        let prefix = Array(addressKey.utf8)
        guard key.starts(with: prefix) else { return false }
        return key.dropFirst(prefix.count).allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The multiaddr of a `dnsaddr…=` string, or nil.
    static func dnsaddr(_ string: [UInt8]) -> Multiaddr? {
        guard isAddressKey(string), let equals = string.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        guard let text = String(validating: string[(equals + 1)...], as: UTF8.self) else { return nil }
        return try? Multiaddr(text)
    }
}
