public import ShoalCore

// MARK: - Stream operations

extension YamuxSession {
    /// Opens an outbound stream: writes `WindowUpdate|SYN` (with a delta when the receive window exceeds 256 KiB).
    /// Data may be sent on it at once, before the peer's ACK.
    /// - Returns: the new stream's ID and the actions to carry out.
    /// - Throws: ``ShoalError`` `.closed` after a failure or a GoAway (either way), `.limitExceeded` when the stream
    ///   cap or the ACK backlog (``YamuxConfiguration/maximumUnacknowledgedOutboundStreams``) is reached or the IDs
    ///   are exhausted. Nothing is queued: retry after ``YamuxAction/streamAcknowledged(_:)`` or a stream closes.
    public mutating func openStream() throws(ShoalError) -> (id: YamuxStreamID, actions: [YamuxAction]) {
        if let failure {
            throw ShoalError(.closed, "yamux session has failed", cause: failure)
        }
        guard !receivedGoAway else {
            throw ShoalError(.closed, "yamux peer sent GoAway: no new streams")
        }
        guard !sentGoAway else {
            throw ShoalError(.closed, "yamux session is going away: no new streams")
        }
        guard streams.count < configuration.maximumStreams else {
            throw ShoalError(.limitExceeded, "yamux session has \(streams.count) streams, the maximum")
        }
        guard unacknowledgedOutbound < configuration.maximumUnacknowledgedOutboundStreams else {
            throw ShoalError(
                .limitExceeded,
                "yamux ACK backlog full: \(unacknowledgedOutbound) outbound streams not acknowledged"
            )
        }
        guard nextStreamID < UInt32.max - 1 else {
            throw ShoalError(.limitExceeded, "yamux stream IDs exhausted")
        }
        let id = nextStreamID
        nextStreamID += 2
        let stream = YamuxStream(id: YamuxStreamID(id), isInbound: false, receiveWindow: configuration.receiveWindow)
        streams[id] = stream
        unacknowledgedOutbound += 1
        let delta = configuration.receiveWindow - YamuxConfiguration.initialStreamWindow
        writeFrame(.windowUpdate, .syn, id, UInt32(delta))
        return (YamuxStreamID(id), flushActions())
    }

    /// Acknowledges an inbound stream (`WindowUpdate|ACK`, carrying any window above 256 KiB). Writing or
    /// consuming on the stream also acknowledges it. Does nothing for an unknown or already acknowledged stream.
    /// - Parameter id: a stream reported by ``YamuxAction/streamOpened(_:)``.
    /// - Returns: the actions to carry out.
    public mutating func acceptStream(_ id: YamuxStreamID) -> [YamuxAction] {
        guard failure == nil, var stream = streams[id.rawValue], stream.isInbound, !stream.isAcknowledged else {
            return []
        }
        acknowledge(&stream)
        grantWindow(&stream, flags: .ack)
        streams[id.rawValue] = stream
        return flushActions()
    }

    /// Sends data on a stream, within the peer's window; what does not fit is queued up to
    /// ``YamuxConfiguration/maximumQueuedBytesPerStream`` and sent as window arrives.
    /// - Parameters:
    ///   - bytes: the data.
    ///   - id: the stream.
    /// - Returns: how many bytes were accepted (sent or queued) and the actions to carry out. When fewer than
    ///   `bytes.count` were accepted, keep the rest and wait for ``YamuxAction/windowAvailable(_:)``.
    /// - Throws: ``ShoalError`` `.closed` when the session failed or the stream is unknown, reset or half-closed by
    ///   this side.
    public mutating func send(
        _ bytes: ArraySlice<UInt8>,
        on id: YamuxStreamID
    ) throws(ShoalError) -> (accepted: Int, actions: [YamuxAction]) {
        if let failure {
            throw ShoalError(.closed, "yamux session has failed", cause: failure)
        }
        guard var stream = streams.removeValue(forKey: id.rawValue) else {
            throw ShoalError(.closed, "yamux stream \(id) is unknown or was reset")
        }
        defer { streams[id.rawValue] = stream }
        guard !stream.isLocalClosed else {
            throw ShoalError(.closed, "yamux stream \(id) is closed for writing")
        }
        var rest = bytes
        var accepted = 0
        if stream.queue.isEmpty && stream.sendWindow > 0 {
            let direct = rest.prefix(stream.sendWindow)
            emitData(&stream, direct)
            accepted += direct.count
            rest = rest.dropFirst(direct.count)
        }
        if !rest.isEmpty {
            let room = max(configuration.maximumQueuedBytesPerStream - stream.queue.count, 0)
            let queued = rest.prefix(room)
            stream.queue.append(queued)
            accepted += queued.count
            if queued.count < rest.count { stream.isWriteBlocked = true }
        }
        return (accepted, flushActions())
    }

    /// Sends data on a stream. See ``send(_:on:)-(ArraySlice<UInt8>,_)``.
    public mutating func send(
        _ bytes: [UInt8],
        on id: YamuxStreamID
    ) throws(ShoalError) -> (accepted: Int, actions: [YamuxAction]) {
        try send(bytes[...], on: id)
    }

    /// Half-closes a stream: FIN is written once the queued data is out. Reading continues until the peer's FIN.
    /// Does nothing for an unknown or already closed stream.
    /// - Parameter id: the stream.
    /// - Returns: the actions to carry out (``YamuxAction/streamClosed(_:)`` if the peer had already closed).
    public mutating func closeStream(_ id: YamuxStreamID) -> [YamuxAction] {
        guard failure == nil, var stream = streams.removeValue(forKey: id.rawValue) else { return [] }
        guard !stream.isLocalClosed else {
            streams[id.rawValue] = stream
            return []
        }
        stream.isLocalClosed = true
        if stream.queue.isEmpty {
            sendFin(&stream)
        }
        finishStreamUpdate(stream)
        return flushActions()
    }

    /// Resets a stream (`WindowUpdate|RST`, length = `code`) and forgets it; queued data is dropped.
    /// Does nothing for an unknown stream.
    /// - Parameters:
    ///   - id: the stream.
    ///   - code: the error code sent in the length field (0 by default, as go does).
    /// - Returns: the actions to carry out.
    public mutating func resetStream(_ id: YamuxStreamID, code: UInt32 = 0) -> [YamuxAction] {
        guard failure == nil, streams[id.rawValue] != nil else { return [] }
        writeFrame(.windowUpdate, .rst, id.rawValue, code)
        removeStream(id.rawValue)
        return flushActions()
    }

    /// Reports that the application consumed `count` bytes delivered on stream `id`. Once at least half the receive
    /// window has been consumed, a WindowUpdate grants it back. Unknown streams are ignored (the data may have
    /// arrived before a reset); `count` is clamped to the bytes delivered and not yet consumed.
    /// - Parameters:
    ///   - count: bytes consumed.
    ///   - id: the stream.
    /// - Returns: the actions to carry out.
    public mutating func consumed(_ count: Int, on id: YamuxStreamID) -> [YamuxAction] {
        guard failure == nil, count > 0, var stream = streams[id.rawValue] else { return [] }
        let n = min(count, stream.unconsumed)
        stream.unconsumed -= n
        stream.pendingCredit += n
        if !stream.isRemoteClosed && stream.pendingCredit >= configuration.receiveWindow / 2 {
            var flags: YamuxFlags = []
            if stream.isInbound && !stream.isAcknowledged {
                acknowledge(&stream)
                flags.insert(.ack)
            }
            grantWindow(&stream, flags: flags)
        }
        streams[id.rawValue] = stream
        return flushActions()
    }

    // MARK: - Helpers

    /// Marks an inbound stream acknowledged and releases its backlog slot.
    private mutating func acknowledge(_ stream: inout YamuxStream) {
        guard stream.isInbound && !stream.isAcknowledged else { return }
        stream.isAcknowledged = true
        unacknowledgedInbound -= 1
    }

    /// Writes a WindowUpdate granting all pending credit (possibly 0, to carry flags).
    private mutating func grantWindow(_ stream: inout YamuxStream, flags: YamuxFlags) {
        let delta = stream.pendingCredit
        stream.receiveCredit += delta
        stream.pendingCredit = 0
        writeFrame(.windowUpdate, flags, stream.id.rawValue, UInt32(delta))
    }

    /// Writes Data frames for `bytes` (which must fit the send window), in chunks of at most the frame payload.
    private mutating func emitData(_ stream: inout YamuxStream, _ bytes: ArraySlice<UInt8>) {
        reserveOutput(forPayload: bytes.count)
        var rest = bytes
        while !rest.isEmpty {
            let chunk = rest.prefix(configuration.maximumFramePayload)
            var flags: YamuxFlags = []
            if stream.isInbound && !stream.isAcknowledged {
                acknowledge(&stream)
                flags.insert(.ack)
            }
            writeFrame(.data, flags, stream.id.rawValue, UInt32(chunk.count))
            writePayload(chunk)
            stream.sendWindow -= chunk.count
            rest = rest.dropFirst(chunk.count)
        }
    }

    /// Writes FIN (`WindowUpdate|FIN`, delta 0).
    private mutating func sendFin(_ stream: inout YamuxStream) {
        var flags: YamuxFlags = .fin
        if stream.isInbound && !stream.isAcknowledged {
            acknowledge(&stream)
            flags.insert(.ack)
        }
        writeFrame(.windowUpdate, flags, stream.id.rawValue, 0)
        stream.isFinSent = true
    }

    /// Stores `stream` back, or forgets it (with ``YamuxAction/streamClosed(_:)``) when FIN went both ways.
    mutating func finishStreamUpdate(_ stream: YamuxStream) {
        streams[stream.id.rawValue] = stream
        if stream.isFinSent && stream.isRemoteClosed {
            removeStream(stream.id.rawValue)
            events.append(.streamClosed(stream.id))
        }
    }

    /// Sends queued data within the send window; then FIN if it was waiting; reports room in the queue.
    /// The stream must not be in the dictionary while this runs, so that its queue is uniquely referenced.
    mutating func flushQueue(_ stream: inout YamuxStream) {
        reserveOutput(forPayload: min(stream.sendWindow, stream.queue.count))
        while stream.sendWindow > 0 && !stream.queue.isEmpty {
            let n = min(stream.sendWindow, configuration.maximumFramePayload, stream.queue.count)
            // The front chunk alone (it may be shorter than `n`): a slice, emitted without a copy when the output
            // is segmented.
            let chunk = stream.queue.front(upTo: n)
            emitData(&stream, chunk)
            stream.queue.consume(chunk.count)
        }
        if stream.queue.isEmpty && stream.isLocalClosed && !stream.isFinSent {
            sendFin(&stream)
        }
        let cap = configuration.maximumQueuedBytesPerStream
        if stream.isWriteBlocked && !stream.isLocalClosed && stream.queue.count <= cap / 2
            && (cap > 0 || stream.sendWindow > 0)
        {
            stream.isWriteBlocked = false
            events.append(.windowAvailable(stream.id))
        }
    }
}
