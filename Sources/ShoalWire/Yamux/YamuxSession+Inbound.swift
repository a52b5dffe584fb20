import ShoalCore

// MARK: - Inbound bytes

extension YamuxSession {
    /// Feeds bytes received from the connection.
    ///
    /// Data payloads are streamed: each piece is delivered as soon as it arrives, so the session buffers at most a
    /// partial 12-byte header. Protocol violations do not throw: they produce a GoAway write and
    /// ``YamuxAction/sessionFailed(_:)``; after that, input is ignored.
    /// - Parameter bytes: any number of bytes, even one at a time.
    /// - Returns: the actions to carry out, in order.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) -> [YamuxAction] {
        guard failure == nil else { return [] }
        var input = bytes
        while !input.isEmpty && failure == nil {
            if var pending = pendingPayload {
                let n = min(pending.remaining, input.count)
                if pending.deliver && n > 0, streams[pending.streamID.rawValue] != nil {
                    streams[pending.streamID.rawValue]?.unconsumed += n
                    events.append(.data(pending.streamID, input.prefix(n)))
                }
                input = input.dropFirst(n)
                pending.remaining -= n
                if pending.remaining == 0 {
                    pendingPayload = nil
                    if pending.finAtEnd { handleRemoteFin(pending.streamID.rawValue) }
                } else {
                    pendingPayload = pending
                }
                continue
            }
            let header: YamuxFrameHeader?
            do {
                if headerBuffer.isEmpty && input.count >= YamuxFrameHeader.size {
                    header = try decodeHeader(input.prefix(YamuxFrameHeader.size))
                    input = input.dropFirst(YamuxFrameHeader.size)
                } else {
                    let n = min(YamuxFrameHeader.size - headerBuffer.count, input.count)
                    headerBuffer.append(contentsOf: input.prefix(n))
                    input = input.dropFirst(n)
                    guard headerBuffer.count == YamuxFrameHeader.size else { break }
                    header = try decodeHeader(headerBuffer[...])
                    headerBuffer.removeAll(keepingCapacity: true)
                }
            } catch {
                fail(error, sendGoAway: true)
                break
            }
            if let header { handle(header) }
        }
        return flushActions()
    }

    /// Feeds bytes received from the connection. See ``receive(_:)-(ArraySlice<UInt8>)``.
    public mutating func receive(_ bytes: [UInt8]) -> [YamuxAction] {
        receive(bytes[...])
    }

    private func decodeHeader(_ bytes: ArraySlice<UInt8>) throws(ShoalError) -> YamuxFrameHeader? {
        try YamuxFrameHeader.decode(bytes, maximumDataLength: UInt32(configuration.maximumInboundFramePayload))
    }

    // MARK: - Frames

    private mutating func handle(_ header: YamuxFrameHeader) {
        switch header.type {
        case .ping:
            handlePing(header)
        case .goAway:
            receivedGoAway = true
            events.append(.goAway(YamuxGoAwayCode(rawValue: header.length)))
        case .data, .windowUpdate:
            handleStreamFrame(header)
        }
    }

    private mutating func handlePing(_ header: YamuxFrameHeader) {
        if header.flags.contains(.syn) {
            writeFrame(.ping, .ack, 0, header.length)
        } else if header.flags.contains(.ack), let ping = outstandingPing, ping.opaque == header.length {
            outstandingPing = nil
            if let interval = configuration.keepaliveInterval {
                let next = ping.sentAt + interval
                nextPingAt = next
                events.append(.scheduleKeepalive(at: next))
            }
        }
    }

    /// Skips the payload of a Data frame that is not delivered (unknown, reset or closed stream).
    private mutating func skipPayload(_ header: YamuxFrameHeader) {
        guard failure == nil, header.type == .data, header.length > 0 else { return }
        pendingPayload = PendingPayload(
            streamID: header.streamID,
            remaining: Int(header.length),
            deliver: false,
            finAtEnd: false
        )
    }

    private mutating func handleStreamFrame(_ header: YamuxFrameHeader) {
        let id = header.streamID.rawValue
        let flags = header.flags
        guard id != 0 else {
            fail(ShoalError(.protocolViolation, "yamux stream frame on the session ID 0"), sendGoAway: true)
            return
        }
        if flags.contains(.syn) {
            guard openInbound(header) else {
                skipPayload(header)
                return
            }
        }
        guard var stream = streams[id] else {
            // Unknown or already closed stream: ignore the frame, drain its payload.
            skipPayload(header)
            return
        }
        if flags.contains(.ack) && !stream.isInbound && !stream.isAcknowledged {
            stream.isAcknowledged = true
            unacknowledgedOutbound -= 1
            events.append(.streamAcknowledged(stream.id))
        }
        if flags.contains(.rst) {
            streams[id] = stream
            removeStream(id)
            events.append(.reset(stream.id, code: header.type == .windowUpdate ? header.length : 0))
            skipPayload(header)
            return
        }
        if header.type == .windowUpdate {
            stream.sendWindow += Int(header.length)
            guard stream.sendWindow <= Int(UInt32.max) else {
                fail(
                    ShoalError(.protocolViolation, "yamux send window of \(stream.id) overflows 2^32"),
                    sendGoAway: true
                )
                return
            }
            // Drop the dictionary's copy first so that the queue is uniquely referenced (no copy-on-write).
            streams[id] = nil
            flushQueue(&stream)
            finishStreamUpdate(stream)
            if flags.contains(.fin) { handleRemoteFin(id) }
            return
        }
        // Data.
        let length = Int(header.length)
        if stream.isRemoteClosed {
            streams[id] = stream
            skipPayload(header)
            return
        }
        guard length <= stream.receiveCredit else {
            fail(
                ShoalError(
                    .protocolViolation,
                    "yamux peer sent \(length) bytes on \(stream.id) with only \(stream.receiveCredit) bytes of window"
                ),
                sendGoAway: true
            )
            return
        }
        stream.receiveCredit -= length
        streams[id] = stream
        if length > 0 {
            pendingPayload = PendingPayload(
                streamID: stream.id,
                remaining: length,
                deliver: true,
                finAtEnd: flags.contains(.fin)
            )
        } else if flags.contains(.fin) {
            handleRemoteFin(id)
        }
    }

    /// Handles an inbound SYN. Returns true when the stream now exists and the frame should be processed.
    private mutating func openInbound(_ header: YamuxFrameHeader) -> Bool {
        let id = header.streamID.rawValue
        if streams[id] != nil {
            // Duplicate SYN: reset that stream.
            writeFrame(.windowUpdate, .rst, id, YamuxGoAwayCode.protocolError.rawValue)
            removeStream(id)
            events.append(.reset(header.streamID, code: YamuxGoAwayCode.protocolError.rawValue))
            return false
        }
        guard role.isPeerStreamID(header.streamID) else {
            fail(
                ShoalError(.protocolViolation, "yamux peer opened \(header.streamID) with this side's parity"),
                sendGoAway: true
            )
            return false
        }
        if sentGoAway || unacknowledgedInbound >= configuration.maximumUnacknowledgedInboundStreams
            || streams.count >= configuration.maximumStreams
        {
            writeFrame(.windowUpdate, .rst, id, 0)
            return false
        }
        streams[id] = YamuxStream(id: header.streamID, isInbound: true, receiveWindow: configuration.receiveWindow)
        unacknowledgedInbound += 1
        events.append(.streamOpened(header.streamID))
        return true
    }

    /// Handles the peer's FIN on stream `id`.
    mutating func handleRemoteFin(_ id: UInt32) {
        guard var stream = streams[id], !stream.isRemoteClosed else { return }
        stream.isRemoteClosed = true
        events.append(.remoteClosed(stream.id))
        if stream.isFinSent {
            streams[id] = stream
            removeStream(id)
            events.append(.streamClosed(stream.id))
        } else {
            streams[id] = stream
        }
    }
}
