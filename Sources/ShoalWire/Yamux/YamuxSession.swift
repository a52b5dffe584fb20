public import ShoalCore

// MARK: - Session

/// A yamux 1.0 session as a pure state machine: bytes and timer inputs in, ``YamuxAction``s out. No I/O, no clock.
///
/// Time is a `Duration` since an arbitrary monotonic origin chosen by the driver (for example NIO's uptime
/// nanoseconds); it is only used by the keepalive (``start(now:)``, ``keepaliveTimerFired(now:)``).
///
/// Driving it:
/// - call ``start(now:)`` once, then feed every received byte to ``receive(_:)-(ArraySlice<UInt8>)``;
/// - open streams with ``openStream()``, accept inbound ones with ``acceptStream(_:)``;
/// - write with ``send(_:on:)`` (it reports how much it accepted; the rest waits for
///   ``YamuxAction/windowAvailable(_:)``), half-close with ``closeStream(_:)``, abort with ``resetStream(_:code:)``;
/// - report consumed inbound data with ``consumed(_:on:)``: the window granted to the peer only grows as the
///   application consumes, so a slow reader applies backpressure;
/// - carry out the returned actions in order.
///
/// Limits: an inbound Data frame above ``YamuxConfiguration/maximumInboundFramePayload`` or above the stream's
/// window, a wrong-parity SYN, an unknown version or type fail the session with GoAway(protocol error). Inbound SYNs
/// beyond the unacknowledged-inbound or stream caps, or after this side sent GoAway, are answered with RST. Opening
/// beyond the ACK backlog or the stream cap throws `.limitExceeded` (nothing is queued).
public struct YamuxSession: Sendable {
    /// This side's role, which fixes the parity of the stream IDs it opens.
    public let role: YamuxRole
    /// The limits and timers in force.
    public let configuration: YamuxConfiguration

    // MARK: State (internal so that extensions in sibling files and tests can reach it)

    var streams: [UInt32: YamuxStream] = [:]
    var nextStreamID: UInt32
    var unacknowledgedInbound = 0
    var unacknowledgedOutbound = 0
    var sentGoAway = false
    var receivedGoAway = false
    var failure: ShoalError?

    // Parser.
    struct PendingPayload: Sendable {
        var streamID: YamuxStreamID
        var remaining: Int
        var deliver: Bool
        var finAtEnd: Bool
    }
    var headerBuffer: [UInt8] = []
    var pendingPayload: PendingPayload?

    // Keepalive.
    var outstandingPing: (opaque: UInt32, sentAt: Duration)?
    var nextPingAt: Duration?
    var pingCounter: UInt32 = 0

    // Output accumulated during one call.
    var output = YamuxOutput()
    var events: [YamuxAction] = []

    /// Creates a session.
    /// - Parameters:
    ///   - role: `.client` if this side dialed the connection, `.server` if it accepted it.
    ///   - configuration: limits and timers.
    public init(role: YamuxRole, configuration: YamuxConfiguration = YamuxConfiguration()) {
        self.role = role
        self.configuration = configuration
        self.nextStreamID = role.firstStreamID
    }

    // MARK: - Queries

    /// The error that ended the session, if it has failed.
    public var failureReason: ShoalError? { failure }

    /// Whether the session has failed and takes no more input.
    public var hasFailed: Bool { failure != nil }

    /// Whether this side has sent GoAway.
    public var hasSentGoAway: Bool { sentGoAway }

    /// Whether the peer has sent GoAway.
    public var hasReceivedGoAway: Bool { receivedGoAway }

    /// The number of streams the session tracks.
    public var streamCount: Int { streams.count }

    /// The IDs of the streams the session tracks, in ascending order.
    public var streamIDs: [YamuxStreamID] { streams.keys.sorted().map { YamuxStreamID($0) } }

    /// Whether stream `id` is known (open in at least one direction).
    public func isOpen(_ id: YamuxStreamID) -> Bool { streams[id.rawValue] != nil }

    /// A snapshot of stream `id`'s flow-control state, or nil if it is unknown.
    public func status(of id: YamuxStreamID) -> YamuxStreamStatus? {
        guard let s = streams[id.rawValue] else { return nil }
        return YamuxStreamStatus(
            id: s.id,
            isInbound: s.isInbound,
            isAcknowledged: s.isAcknowledged,
            isLocalClosed: s.isLocalClosed,
            isRemoteClosed: s.isRemoteClosed,
            sendWindow: s.sendWindow,
            queuedBytes: s.queue.count,
            receiveCredit: s.receiveCredit,
            unconsumedBytes: s.unconsumed
        )
    }

    /// How many bytes ``send(_:on:)`` would accept on stream `id` right now (0 if it is unknown or closed).
    public func writableBytes(on id: YamuxStreamID) -> Int {
        guard failure == nil, let s = streams[id.rawValue], !s.isLocalClosed else { return 0 }
        let room = configuration.maximumQueuedBytesPerStream - s.queue.count
        return s.queue.isEmpty ? s.sendWindow + room : room
    }

    /// The bytes the session holds: queued outbound data of every stream plus a partial inbound header.
    public var bufferedByteCount: Int {
        streams.values.reduce(headerBuffer.count) { $0 + $1.queue.count }
    }

    // MARK: - Output helpers

    /// Returns the actions accumulated by the current call: one coalesced write first, then the events.
    mutating func flushActions() -> [YamuxAction] {
        if output.isEmpty && events.isEmpty { return [] }
        var actions: [YamuxAction] = []
        actions.reserveCapacity(events.count + 1)
        if !output.isEmpty {
            actions.append(configuration.segmentedOutput ? .writeSegments(output) : .write(output.bytes))
            output = YamuxOutput()
        }
        actions.append(contentsOf: events)
        events.removeAll(keepingCapacity: true)
        return actions
    }

    /// Makes room in the output's inline bytes for `payload` bytes of Data frames and their headers (only the
    /// headers when the output is segmented and the payloads stay slices), growing geometrically so that large
    /// batches are copied once.
    mutating func reserveOutput(forPayload payload: Int) {
        let frames = (payload + configuration.maximumFramePayload - 1) / configuration.maximumFramePayload
        let inlinePayload = configuration.segmentedOutput ? 0 : payload
        let needed = output.inline.count + inlinePayload + frames * YamuxFrameHeader.size
        if output.inline.capacity < needed {
            output.inline.reserveCapacity(Swift.max(needed, output.inline.capacity * 2))
        }
    }

    /// Appends a frame's payload to the output: a slice when the output is segmented and the payload is large,
    /// else a copy.
    mutating func writePayload(_ bytes: ArraySlice<UInt8>) {
        if configuration.segmentedOutput && bytes.count >= YamuxOutput.inlineLimit {
            output.appendSlice(bytes)
        } else {
            output.appendInline(bytes)
        }
    }

    /// Appends a header-only frame to the output.
    mutating func writeFrame(_ type: YamuxFrameType, _ flags: YamuxFlags, _ id: UInt32, _ length: UInt32) {
        let before = output.inline.count
        YamuxFrameHeader(type: type, flags: flags, streamID: YamuxStreamID(id), length: length)
            .encode(into: &output.inline)
        output.count += output.inline.count - before
    }

    /// Fails the session: optionally writes GoAway(protocol error), reports the error, forgets every stream.
    mutating func fail(_ error: ShoalError, sendGoAway: Bool) {
        guard failure == nil else { return }
        failure = error
        if sendGoAway {
            writeFrame(.goAway, [], 0, YamuxGoAwayCode.protocolError.rawValue)
            sentGoAway = true
        }
        events.append(.sessionFailed(error))
        streams.removeAll()
        unacknowledgedInbound = 0
        unacknowledgedOutbound = 0
        pendingPayload = nil
        headerBuffer = []
        outstandingPing = nil
    }

    /// Forgets stream `id`, releasing its backlog slots.
    mutating func removeStream(_ id: UInt32) {
        guard let s = streams.removeValue(forKey: id) else { return }
        if !s.isAcknowledged {
            if s.isInbound {
                unacknowledgedInbound -= 1
            } else {
                unacknowledgedOutbound -= 1
            }
        }
    }

    // MARK: - Session-level operations

    /// Starts the keepalive, if configured.
    /// - Parameter now: the current time since the driver's origin.
    /// - Returns: a ``YamuxAction/scheduleKeepalive(at:)`` when a keepalive interval is set.
    public mutating func start(now: Duration) -> [YamuxAction] {
        guard failure == nil, let interval = configuration.keepaliveInterval else { return [] }
        let deadline = now + interval
        nextPingAt = deadline
        return [.scheduleKeepalive(at: deadline)]
    }

    /// Handles the keepalive timer: sends a ping when one is due, fails the session with `.timeout` when the last
    /// ping went unanswered for ``YamuxConfiguration/keepaliveTimeout``, and re-arms the timer.
    /// - Parameter now: the current time since the driver's origin.
    /// - Returns: the actions to carry out.
    public mutating func keepaliveTimerFired(now: Duration) -> [YamuxAction] {
        guard failure == nil, let interval = configuration.keepaliveInterval else { return [] }
        if let ping = outstandingPing {
            let deadline = ping.sentAt + configuration.keepaliveTimeout
            if now >= deadline {
                fail(ShoalError(.timeout, "yamux keepalive ping not answered within the timeout"), sendGoAway: false)
            } else {
                events.append(.scheduleKeepalive(at: deadline))
            }
            return flushActions()
        }
        let due = nextPingAt ?? now
        if now >= due {
            pingCounter &+= 1
            writeFrame(.ping, .syn, 0, pingCounter)
            outstandingPing = (pingCounter, now)
            nextPingAt = now + interval
            events.append(.scheduleKeepalive(at: now + configuration.keepaliveTimeout))
        } else {
            events.append(.scheduleKeepalive(at: due))
        }
        return flushActions()
    }

    /// Sends GoAway: from now on inbound SYNs are answered with RST and no stream can be opened. Existing streams
    /// continue. Calling it again does nothing.
    /// - Parameter code: the reason sent to the peer.
    /// - Returns: the actions to carry out.
    public mutating func goAway(_ code: YamuxGoAwayCode = .normal) -> [YamuxAction] {
        guard failure == nil, !sentGoAway else { return [] }
        sentGoAway = true
        writeFrame(.goAway, [], 0, code.rawValue)
        return flushActions()
    }
}
