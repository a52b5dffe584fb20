public import ShoalSWIM

// MARK: - SWIMStatistics

/// A snapshot of what a ``SWIMService`` sent, received and dropped.
///
/// Every datagram that is not applied lands in exactly one drop counter: oversized, rate-limited,
/// queue overflow, or one of the ``SWIM/PacketSecurity/Counters`` (authentication failure, replay, malformed,
/// reflected).
public struct SWIMStatistics: Sendable, Hashable {
    /// Datagrams read from the socket.
    public var datagramsReceived = 0
    /// Datagrams authenticated and applied.
    public var datagramsAccepted = 0
    /// Datagrams written to the socket.
    public var datagramsSent = 0
    /// Bytes written to the socket.
    public var bytesSent = 0
    /// Datagrams that could not be sealed or written.
    public var sendFailures = 0
    /// Datagrams over the 1,400-byte budget, dropped before anything else.
    public var oversized = 0
    /// Datagrams dropped by the per-source rate cap.
    public var rateLimited = 0
    /// Datagrams dropped because the inbound queue was full.
    public var queueOverflow = 0
    /// Datagrams dropped by the test hook (simulated blocked UDP).
    public var filtered = 0
    /// What packet security accepted and dropped (authentication failures, replays, malformed, reflected).
    public var security = SWIM.PacketSecurity.Counters()
    /// What the protocol instance counted (probes, refutations, forged records, stale messages…).
    public var protocolCounters = SWIM.Counters()
    /// Push-pull exchanges this node started that completed.
    public var pushPullsCompleted = 0
    /// Push-pull exchanges this node started that failed (dial, timeout, bad reply).
    public var pushPullsFailed = 0
    /// Push-pull exchanges served for other members.
    public var pushPullsServed = 0
    /// Inbound push-pulls refused (cap reached, bad frame, proof or sender mismatch).
    public var pushPullsRefused = 0
    /// Fallback pings sent over host streams.
    public var streamPingsSent = 0
    /// Fallback pings answered.
    public var streamPingsAnswered = 0
    /// Fallback pings and push-pulls not started because too many were in flight.
    public var streamJobsDropped = 0
    /// The Lifeguard local health score (0 is healthy).
    public var awareness = 0

    /// Every datagram received but not applied.
    public var datagramsDropped: Int {
        oversized + rateLimited + queueOverflow + filtered + security.authenticationFailures + security.replays
            + security.malformed + security.reflected + security.oversize
    }

    /// Empty statistics.
    public init() {}
}
