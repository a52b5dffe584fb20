public import Logging
public import ShoalCore
public import ShoalMultiformats
public import ShoalSecurity
public import ShoalWire

/// Everything a ``P2PHost`` needs to start: who it is, where it listens, and the limits it keeps.
public struct HostConfiguration: Sendable {
    /// The identity key: the host's peer ID derives from it.
    public var identity: PrivateKey
    /// Where to listen (`/ip4/127.0.0.1/tcp/0` picks a free port; the real one is in ``P2PHost/listenAddresses``).
    public var listenAddresses: [Multiaddr]
    /// The private-network key; nil for the public network. A host with a PSK only talks to hosts with the same PSK.
    public var privateNetworkKey: PreSharedKey?
    /// Sent in identify as `agentVersion`.
    public var agentVersion: String
    /// Sent in identify as `protocolVersion`.
    public var protocolVersion: String
    /// Connection and stream limits.
    public var limits: ConnectionLimits
    /// Who may connect, checked on the address before the handshake and on the peer after it.
    public var gater: ConnectionGater
    /// How long a connection may take from TCP accept/connect to a ready yamux session.
    public var handshakeTimeout: Duration
    /// How long a TCP connect may take.
    public var dialTimeout: Duration
    /// How long protocol negotiation on a new stream may take.
    public var negotiationTimeout: Duration
    /// The idle-connection policy: a connection with no open stream for this long is closed (nil: never).
    ///
    /// The default, 10 minutes, keeps connections that protocols reuse (the DHT, SWIM's push-pull) and drops
    /// connections nobody has used for a long time, as go-libp2p's connection manager does with its grace period.
    public var idleTimeout: Duration?
    /// The yamux settings of every connection.
    public var yamux: YamuxConfiguration
    /// Whether identify runs on every new connection (default true). Turning it off saves one stream, one
    /// identify message each way and one signed-record verification per connection; benchmarks use it to measure
    /// the bare connection setup.
    public var identifyOnConnect: Bool
    /// Whether the host remembers the peers' Noise static-key signatures that verified (default true), so a peer
    /// that reconnects with the same signed static key (Shoal hosts keep one per process; go-libp2p makes a new one
    /// per handshake) costs no second Ed25519 verification. Only the exact bytes that verified are remembered (at
    /// most 1,024); the check that the peer is the one dialled runs on every handshake. False verifies every one.
    public var rememberVerifiedNoiseSignatures: Bool
    /// Where the host logs (debug for connection events, never key material).
    public var logger: Logger

    /// A configuration with defaults for everything but the identity.
    public init(
        identity: PrivateKey = PrivateKey(),
        listenAddresses: [Multiaddr] = [],
        privateNetworkKey: PreSharedKey? = nil,
        logger: Logger = Logger(label: "shoal.host", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.identity = identity
        self.listenAddresses = listenAddresses
        self.privateNetworkKey = privateNetworkKey
        self.agentVersion = "shoal/0.1.0"
        self.protocolVersion = "ipfs/0.1.0"
        self.limits = ConnectionLimits()
        self.gater = ConnectionGater()
        self.handshakeTimeout = .seconds(10)
        self.dialTimeout = .seconds(10)
        self.negotiationTimeout = .seconds(10)
        self.idleTimeout = .seconds(600)
        // A 2 MiB receive window per stream (announced on SYN/ACK; peers start at 256 KiB), so one stream can fill a
        // fast link without waiting for window updates: go-libp2p auto-tunes up to 16 MiB.
        self.yamux = YamuxConfiguration(receiveWindow: 2 * 1024 * 1024)
        self.identifyOnConnect = true
        self.rememberVerifiedNoiseSignatures = true
        self.logger = logger
    }
}

/// Caps on connections and streams. Past a cap, new connections are refused (closed after the handshake with a
/// logged reason) and new streams are reset; existing ones are not affected.
public struct ConnectionLimits: Sendable, Hashable {
    /// Established connections in total.
    public var maximumConnections: Int = 1024
    /// Established connections to one peer (two happen briefly when both sides dial at once).
    public var maximumConnectionsPerPeer: Int = 2
    /// Inbound connections still in their handshake.
    public var maximumPendingInbound: Int = 128
    /// Inbound streams being negotiated or handled at once on one connection.
    public var maximumInboundStreamsPerConnection: Int = 512

    /// The defaults.
    public init() {}
}

/// Decides who may connect. Both checks default to allowing everyone.
public struct ConnectionGater: Sendable {
    /// Checked with the remote address before any handshake (inbound) or dial (outbound).
    public var allowAddress: @Sendable (Multiaddr) -> Bool
    /// Checked with the authenticated peer after the handshake, and before dialing a known peer.
    public var allowPeer: @Sendable (PeerID) -> Bool

    /// A gater from two predicates.
    public init(
        allowAddress: @escaping @Sendable (Multiaddr) -> Bool = { _ in true },
        allowPeer: @escaping @Sendable (PeerID) -> Bool = { _ in true }
    ) {
        self.allowAddress = allowAddress
        self.allowPeer = allowPeer
    }

    /// A gater that refuses the given peers.
    public static func denying(_ peers: Set<PeerID>) -> ConnectionGater {
        ConnectionGater(allowPeer: { !peers.contains($0) })
    }
}
