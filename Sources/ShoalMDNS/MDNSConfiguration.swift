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
    /// The shortest time between two answers to queries on one interface (default 250 ms); a query in between is
    /// counted and answered once the interval has passed. Announcements and goodbyes are not limited.
    public var minimumAnswerInterval: Duration = .milliseconds(250)
    /// The most peers remembered; new peers past this are counted and dropped.
    public var maximumPeers = 1024

    /// The default settings.
    public init() {}
}
