public import ShoalCore

// MARK: - Action

/// What a ``YamuxSession`` asks its driver to do. Each call returns its actions in order; all frames produced by one
/// call are coalesced into a single ``write(_:)`` (or ``writeSegments(_:)``), which comes first.
public enum YamuxAction: Sendable, Equatable {
    /// Write these already-serialized frames to the connection, in order.
    case write([UInt8])
    /// Write these already-serialized frames to the connection, in order: the form of ``write(_:)`` a session
    /// configured with ``YamuxConfiguration/segmentedOutput`` uses (large payloads are slices of the sent arrays).
    case writeSegments(YamuxOutput)
    /// The peer opened stream `id` (SYN). Acknowledge it with ``YamuxSession/acceptStream(_:)`` (or by writing or
    /// consuming on it), or refuse it with ``YamuxSession/resetStream(_:code:)``.
    case streamOpened(YamuxStreamID)
    /// The peer acknowledged stream `id`, which this side opened (one slot of the ACK backlog is free again).
    case streamAcknowledged(YamuxStreamID)
    /// Data arrived on stream `id`. Report it with ``YamuxSession/consumed(_:on:)`` once the application has used
    /// it: that is what grants the peer more window. The bytes are a slice of the input given to
    /// ``YamuxSession/receive(_:)-(ArraySlice<UInt8>)`` (no copy): a driver that keeps a small slice of a large input
    /// for long should copy it, so that the slice does not hold the whole input's storage.
    case data(YamuxStreamID, ArraySlice<UInt8>)
    /// The peer half-closed stream `id` (FIN): no more data will arrive on it.
    case remoteClosed(YamuxStreamID)
    /// Stream `id` is closed in both directions (FIN each way) and forgotten by the session.
    case streamClosed(YamuxStreamID)
    /// Stream `id` was reset, by the peer (RST; `code` is the code it sent) or by the session because of a duplicate
    /// SYN (`code` 1). The stream is forgotten; queued outbound data was dropped.
    case reset(YamuxStreamID, code: UInt32)
    /// Stream `id` has room again in its outbound queue after a ``YamuxSession/send(_:on:)`` accepted less than
    /// it was given.
    case windowAvailable(YamuxStreamID)
    /// The peer sent GoAway: no new stream can be opened; existing streams continue.
    case goAway(YamuxGoAwayCode)
    /// The session is over (protocol violation by the peer or keepalive timeout). Any ``write(_:)`` before it (a
    /// GoAway) should still be flushed; then close the connection. The session takes no more input.
    case sessionFailed(ShoalError)
    /// (Re)arm the single keepalive timer to call ``YamuxSession/keepaliveTimerFired(now:)`` at this instant,
    /// replacing any earlier deadline.
    case scheduleKeepalive(at: Duration)

}
