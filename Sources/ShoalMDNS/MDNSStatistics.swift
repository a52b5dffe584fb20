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
    /// Queries whose answer was deferred because we had answered on that interface moments before.
    public var rateLimitedAnswers = 0
    /// Queries not answered because they already knew our answer.
    public var suppressedAnswers = 0

    /// All zero.
    public init() {}
}
