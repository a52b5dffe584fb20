/// A multiaddr protocol: its multicodec code, its text name and the shape of its value.
///
/// Codes come from the multicodec `table.csv` (udp is 273, not 17; p2p is 421 and `ipfs` is an alias of it).
/// Protocols compare by code.
public struct MultiaddrProtocol: Hashable, Sendable, CustomStringConvertible {
    /// How a protocol's value is stored in the binary form.
    public enum ValueSize: Hashable, Sendable {
        /// No value (`/quic-v1`, `/ws`, …).
        case none
        /// A fixed number of bytes, not length-prefixed (ip4: 4, tcp: 2, …).
        case fixed(Int)
        /// `uvarint(length) || bytes` (dns, p2p, unix, …).
        case variable
    }

    /// The multicodec code.
    public let code: UInt64
    /// The canonical text name (the one printed).
    public let name: String
    /// The value shape.
    public let size: ValueSize
    /// Whether the value is a path that takes the rest of the text form (only `unix`); nothing can follow it.
    public let isPath: Bool

    init(_ code: UInt64, _ name: String, _ size: ValueSize, isPath: Bool = false) {
        self.code = code
        self.name = name
        self.size = size
        self.isPath = isPath
    }

    /// The protocol with this code, or nil when it is not supported.
    public init?(code: UInt64) {
        guard let found = MultiaddrProtocol.byCode[code] else { return nil }
        self = found
    }

    /// The protocol with this name (including the `ipfs` alias of `p2p`), or nil when it is not supported.
    public init?(name: some StringProtocol) {
        guard let found = MultiaddrProtocol.byName[String(name)] else { return nil }
        self = found
    }

    /// Whether the protocol has a value in the text and binary forms.
    public var hasValue: Bool { size != .none }

    /// The name.
    public var description: String { name }

    public static func == (lhs: MultiaddrProtocol, rhs: MultiaddrProtocol) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    // MARK: - The table

    /// `ip4` (4): 4 bytes, dotted quad.
    public static let ip4 = MultiaddrProtocol(4, "ip4", .fixed(4))
    /// `tcp` (6): 2-byte big-endian port.
    public static let tcp = MultiaddrProtocol(6, "tcp", .fixed(2))
    /// `dccp` (33): 2-byte port.
    public static let dccp = MultiaddrProtocol(33, "dccp", .fixed(2))
    /// `ip6` (41): 16 bytes, RFC 5952 text.
    public static let ip6 = MultiaddrProtocol(41, "ip6", .fixed(16))
    /// `ip6zone` (42): an RFC 4007 zone ID, UTF-8 without `/`.
    public static let ip6zone = MultiaddrProtocol(42, "ip6zone", .variable)
    /// `ipcidr` (43): a 1-byte prefix length.
    public static let ipcidr = MultiaddrProtocol(43, "ipcidr", .fixed(1))
    /// `dns` (53): a domain name resolving to IPv4 or IPv6.
    public static let dns = MultiaddrProtocol(53, "dns", .variable)
    /// `dns4` (54): a domain name resolving to IPv4.
    public static let dns4 = MultiaddrProtocol(54, "dns4", .variable)
    /// `dns6` (55): a domain name resolving to IPv6.
    public static let dns6 = MultiaddrProtocol(55, "dns6", .variable)
    /// `dnsaddr` (56): a domain whose `_dnsaddr` TXT records hold multiaddrs.
    public static let dnsaddr = MultiaddrProtocol(56, "dnsaddr", .variable)
    /// `sctp` (132): 2-byte port.
    public static let sctp = MultiaddrProtocol(132, "sctp", .fixed(2))
    /// `udp` (273): 2-byte big-endian port.
    public static let udp = MultiaddrProtocol(273, "udp", .fixed(2))
    /// `p2p-webrtc-star` (275), deprecated.
    public static let p2pWebRTCStar = MultiaddrProtocol(275, "p2p-webrtc-star", .none)
    /// `p2p-webrtc-direct` (276), deprecated.
    public static let p2pWebRTCDirect = MultiaddrProtocol(276, "p2p-webrtc-direct", .none)
    /// `p2p-stardust` (277), deprecated.
    public static let p2pStardust = MultiaddrProtocol(277, "p2p-stardust", .none)
    /// `webrtc-direct` (280).
    public static let webrtcDirect = MultiaddrProtocol(280, "webrtc-direct", .none)
    /// `webrtc` (281).
    public static let webrtc = MultiaddrProtocol(281, "webrtc", .none)
    /// `p2p-circuit` (290): a circuit-relay hop.
    public static let p2pCircuit = MultiaddrProtocol(290, "p2p-circuit", .none)
    /// `udt` (301).
    public static let udt = MultiaddrProtocol(301, "udt", .none)
    /// `utp` (302).
    public static let utp = MultiaddrProtocol(302, "utp", .none)
    /// `unix` (400): a filesystem path, the rest of the text form.
    public static let unix = MultiaddrProtocol(400, "unix", .variable, isPath: true)
    /// `p2p` (421): a peer-ID multihash; text is base58btc (a `libp2p-key` CID is accepted). Alias `ipfs`.
    public static let p2p = MultiaddrProtocol(421, "p2p", .variable)
    /// `https` (443), deprecated alias of `/tls/http`.
    public static let https = MultiaddrProtocol(443, "https", .none)
    /// `onion` (444): Tor v2, 10-byte hash + 2-byte port; text `base32:port`.
    public static let onion = MultiaddrProtocol(444, "onion", .fixed(12))
    /// `onion3` (445): Tor v3, 35-byte key + 2-byte port; text `base32:port`.
    public static let onion3 = MultiaddrProtocol(445, "onion3", .fixed(37))
    /// `tls` (448).
    public static let tls = MultiaddrProtocol(448, "tls", .none)
    /// `sni` (449): a TLS server name.
    public static let sni = MultiaddrProtocol(449, "sni", .variable)
    /// `noise` (454).
    public static let noise = MultiaddrProtocol(454, "noise", .none)
    /// `quic` (460): QUIC draft-29, deprecated.
    public static let quic = MultiaddrProtocol(460, "quic", .none)
    /// `quic-v1` (461): QUIC RFC 9000.
    public static let quicV1 = MultiaddrProtocol(461, "quic-v1", .none)
    /// `webtransport` (465).
    public static let webtransport = MultiaddrProtocol(465, "webtransport", .none)
    /// `certhash` (466): a certificate hash multihash; text is multibase (printed base64url).
    public static let certhash = MultiaddrProtocol(466, "certhash", .variable)
    /// `ws` (477): WebSocket.
    public static let ws = MultiaddrProtocol(477, "ws", .none)
    /// `wss` (478): WebSocket over TLS (deprecated alias of `/tls/ws`).
    public static let wss = MultiaddrProtocol(478, "wss", .none)
    /// `p2p-websocket-star` (479), deprecated.
    public static let p2pWebsocketStar = MultiaddrProtocol(479, "p2p-websocket-star", .none)
    /// `http` (480).
    public static let http = MultiaddrProtocol(480, "http", .none)
    /// `http-path` (481): a percent-encoded HTTP path.
    public static let httpPath = MultiaddrProtocol(481, "http-path", .variable)
    /// `memory` (777): an in-memory transport address, a u64 stored as 8 big-endian bytes (as go-multiaddr and
    /// rust-multiaddr do; the multiaddr `protocols.csv` marks it `V`, but both implementations use fixed 64 bits).
    public static let memory = MultiaddrProtocol(777, "memory", .fixed(8))
    /// `plaintextv2` (7367777): insecure test transport.
    public static let plaintextV2 = MultiaddrProtocol(7_367_777, "plaintextv2", .none)

    /// Every supported protocol.
    public static let all: [MultiaddrProtocol] = [
        .ip4, .tcp, .dccp, .ip6, .ip6zone, .ipcidr, .dns, .dns4, .dns6, .dnsaddr, .sctp, .udp, .p2pWebRTCStar,
        .p2pWebRTCDirect, .p2pStardust, .webrtcDirect, .webrtc, .p2pCircuit, .udt, .utp, .unix, .p2p, .https,
        .onion, .onion3, .tls, .sni, .noise, .quic, .quicV1, .webtransport, .certhash, .ws, .wss,
        .p2pWebsocketStar, .http, .httpPath, .memory, .plaintextV2,
    ]

    private static let byCode: [UInt64: MultiaddrProtocol] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.code, $0) }
    )

    private static let byName: [String: MultiaddrProtocol] = {
        var table = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        table["ipfs"] = .p2p
        return table
    }()
}
