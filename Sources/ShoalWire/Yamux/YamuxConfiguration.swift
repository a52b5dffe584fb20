// MARK: - Configuration

/// Limits and timers of a ``YamuxSession``. Every queue and window has a cap; the defaults follow go-yamux.
public struct YamuxConfiguration: Sendable, Hashable {
    /// The window every stream starts with in each direction, fixed by the protocol (256 KiB).
    public static let initialStreamWindow = 256 * 1024
    /// The largest receive window a stream may use (16 MiB).
    public static let maximumStreamWindow = 16 * 1024 * 1024

    /// The receive window granted to the peer on each stream; the part above 256 KiB is announced on the SYN or ACK
    /// frame. Default 256 KiB, clamped to 256 KiB...16 MiB. The session never grants more than this per stream, so
    /// the bytes delivered but not yet reported consumed stay under it.
    public let receiveWindow: Int
    /// The largest Data payload written per frame. Default 64 KiB.
    public let maximumFramePayload: Int
    /// The largest Data payload accepted per inbound frame; larger frames are a protocol violation. Default 16 MiB.
    public let maximumInboundFramePayload: Int
    /// The bytes of outbound data queued per stream while the peer's window is exhausted. Default 256 KiB.
    public let maximumQueuedBytesPerStream: Int
    /// The largest number of open streams (both directions). Inbound SYNs beyond it are reset; opening more fails.
    /// Default 1000.
    public let maximumStreams: Int
    /// Inbound streams not yet acknowledged by the application; SYNs beyond it are reset. Default 256.
    public let maximumUnacknowledgedInboundStreams: Int
    /// Outbound streams not yet acknowledged by the peer (the ACK backlog); opening more fails with
    /// `.limitExceeded`. Default 256.
    public let maximumUnacknowledgedOutboundStreams: Int
    /// The keepalive ping interval, or nil for no keepalive. Default 30 s.
    public let keepaliveInterval: Duration?
    /// How long to wait for a keepalive ACK before failing the session. Default 10 s.
    public let keepaliveTimeout: Duration
    /// Whether the session reports its output as ``YamuxAction/writeSegments(_:)`` (large payloads as slices of
    /// the sent arrays, no copy) instead of ``YamuxAction/write(_:)`` (one concatenated array). Default false.
    public var segmentedOutput: Bool

    /// Creates a configuration; out-of-range values are clamped (the fields are read-only so that they stay in range).
    public init(
        receiveWindow: Int = YamuxConfiguration.initialStreamWindow,
        maximumFramePayload: Int = 64 * 1024,
        maximumInboundFramePayload: Int = 16 * 1024 * 1024,
        maximumQueuedBytesPerStream: Int = 256 * 1024,
        maximumStreams: Int = 1000,
        maximumUnacknowledgedInboundStreams: Int = 256,
        maximumUnacknowledgedOutboundStreams: Int = 256,
        keepaliveInterval: Duration? = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10),
        segmentedOutput: Bool = false
    ) {
        self.receiveWindow = min(max(receiveWindow, Self.initialStreamWindow), Self.maximumStreamWindow)
        self.maximumFramePayload = min(max(maximumFramePayload, 1), Self.maximumStreamWindow)
        self.maximumInboundFramePayload = min(
            max(maximumInboundFramePayload, 1),
            Int(YamuxFrameHeader.maximumDataLength)
        )
        self.maximumQueuedBytesPerStream = max(maximumQueuedBytesPerStream, 0)
        self.maximumStreams = max(maximumStreams, 1)
        self.maximumUnacknowledgedInboundStreams = max(maximumUnacknowledgedInboundStreams, 1)
        self.maximumUnacknowledgedOutboundStreams = max(maximumUnacknowledgedOutboundStreams, 1)
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.segmentedOutput = segmentedOutput
    }
}
