public import ShoalMultiformats

/// Settings of mDNS discovery.
public struct MDNSConfiguration: Sendable, Equatable {
    /// The delay between the first and the second query; later delays double up to ``queryInterval``.
    public var initialQueryDelay: Duration = .milliseconds(200)
    /// The longest delay between two queries (default 60 s, as go-libp2p's ceiling).
    public var queryInterval: Duration = .seconds(60)
    /// Each delay is changed by a random fraction in `-jitter...jitter` (default 0.1).
    public var jitter = 0.1
    /// The TTL of our records in seconds (default 120 s).
    public var ttl: UInt32 = 120
    /// Whether loopback addresses are announced and loopback interfaces used by default (for tests in a namespace).
    public var includeLoopback = false
    /// Interface names to use; empty means every multicast-capable interface with an address.
    public var interfaceNames: [String] = []
    /// Whether IPv6 (ff02::fb) is used besides IPv4.
    public var enableIPv6 = true
    /// Whether discovered peers are dialed.
    public var dialDiscovered = false
    /// The shortest time between two dials of the same peer; dials asked for sooner are counted and dropped.
    public var minimumDialInterval: Duration = .seconds(30)
    /// The most peers remembered; new peers past this are counted and dropped.
    public var maximumPeers = 1024

    /// The default settings.
    public init() {}
}

/// One network interface as the machine sees it.
public struct MDNSInterface: Hashable, Sendable {
    /// The interface name (`eth0`).
    public var name: String
    /// The kernel interface index.
    public var index: Int
    /// Its IP addresses.
    public var addresses: [IPAddress]

    /// An interface.
    public init(name: String, index: Int, addresses: [IPAddress]) {
        self.name = name
        self.index = index
        self.addresses = addresses
    }
}

/// What the mDNS machine asks its shell to do.
public enum MDNSAction: Sendable, Equatable {
    /// Multicast `packet` on `interface` (nil: on every interface).
    case send([UInt8], interface: String?)
    /// A peer was discovered or announced new addresses.
    case discovered(MDNSDiscoveredPeer)
    /// Dial this peer (only when ``MDNSConfiguration/dialDiscovered`` is set).
    case dial(MDNSDiscoveredPeer)
}

/// Counters kept by the machine.
public struct MDNSStatistics: Sendable, Equatable {
    /// Queries sent.
    public var queriesSent = 0
    /// Responses (announcements, answers and goodbyes) sent.
    public var responsesSent = 0
    /// Packets received.
    public var packetsReceived = 0
    /// Packets that failed to decode.
    public var malformedPackets = 0
    /// Responses that carried our own announcement.
    public var ownAnnouncements = 0
    /// Peers rejected because they claimed one of our own addresses.
    public var spoofedAnswers = 0
    /// TXT strings or records rejected (bad multiaddr, missing or mixed `/p2p`).
    public var rejectedEntries = 0
    /// Dials not made because the peer was dialed too recently.
    public var droppedDials = 0
    /// Peers not remembered because the table was full.
    public var droppedPeers = 0
    /// Goodbyes received.
    public var goodbyes = 0
    /// Queries not answered because they already knew our answer.
    public var suppressedAnswers = 0

    /// All zero.
    public init() {}
}
