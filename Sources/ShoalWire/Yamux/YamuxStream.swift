// MARK: - Per-stream state

/// The state a ``YamuxSession`` keeps for one stream: direction flags, both windows and the bounded send queue.
///
/// Receive-side invariant, per stream: `receiveCredit + undelivered part of the current frame + unconsumed +
/// pendingCredit == receiveWindow`, so the bytes delivered but not yet consumed never exceed the window granted.
struct YamuxStream: Sendable {
    /// The stream's ID.
    let id: YamuxStreamID
    /// Whether the peer opened it.
    let isInbound: Bool
    /// Outbound: the peer sent ACK. Inbound: this side sent ACK.
    var isAcknowledged: Bool
    /// The application asked to half-close (FIN may still wait behind queued data).
    var isLocalClosed = false
    /// FIN has been written.
    var isFinSent = false
    /// The peer sent FIN.
    var isRemoteClosed = false
    /// Bytes the peer allows this side to send.
    var sendWindow: Int
    /// Bytes the peer may still send before more window is granted.
    var receiveCredit: Int
    /// Bytes delivered to the application and not yet reported consumed.
    var unconsumed = 0
    /// Bytes consumed but not yet granted back with a WindowUpdate.
    var pendingCredit: Int
    /// Outbound data waiting for send window.
    var queue = SliceQueue()
    /// A send accepted less than it was given; report ``YamuxAction/windowAvailable(_:)`` when room returns.
    var isWriteBlocked = false

    init(id: YamuxStreamID, isInbound: Bool, receiveWindow: Int) {
        self.id = id
        self.isInbound = isInbound
        self.isAcknowledged = false
        self.sendWindow = YamuxConfiguration.initialStreamWindow
        if isInbound {
            // The extra window is granted with the ACK.
            self.receiveCredit = YamuxConfiguration.initialStreamWindow
            self.pendingCredit = receiveWindow - YamuxConfiguration.initialStreamWindow
        } else {
            // The extra window is granted with the SYN.
            self.receiveCredit = receiveWindow
            self.pendingCredit = 0
        }
    }
}

// MARK: - Public snapshot

/// A read-only view of one stream's flow-control state, for drivers and tests.
public struct YamuxStreamStatus: Sendable, Hashable {
    /// The stream's ID.
    public var id: YamuxStreamID
    /// Whether the peer opened it.
    public var isInbound: Bool
    /// Whether the SYN has been acknowledged (by the peer for outbound streams, by this side for inbound ones).
    public var isAcknowledged: Bool
    /// Whether this side has half-closed it.
    public var isLocalClosed: Bool
    /// Whether the peer has half-closed it.
    public var isRemoteClosed: Bool
    /// Bytes the peer currently allows this side to send.
    public var sendWindow: Int
    /// Bytes queued for sending, waiting for window.
    public var queuedBytes: Int
    /// Bytes the peer may still send before this side grants more window.
    public var receiveCredit: Int
    /// Bytes delivered and not yet reported consumed.
    public var unconsumedBytes: Int
}
