import ShoalCore
import Testing

@testable import ShoalWire

private let kib = 1024
private let window = YamuxConfiguration.initialStreamWindow

/// A server session with inbound stream 1 opened (and accepted when `accept`).
private func serverWithStream(
    accept: Bool = true,
    configuration: YamuxConfiguration = YamuxConfiguration()
) -> YamuxSession {
    var server = YamuxSession(role: .server, configuration: configuration)
    let opened = server.receive(frame(.windowUpdate, .syn, 1, 0))
    precondition(opened == [.streamOpened(YamuxStreamID(1))])
    if accept { _ = server.acceptStream(YamuxStreamID(1)) }
    return server
}

@Suite("Yamux session: streams")
struct YamuxSessionStreamTests {
    @Test("the client opens odd streams the way go does, the server even ones")
    func open() throws {
        var client = YamuxSession(role: .client)
        let (first, actions) = try client.openStream()
        #expect(first == YamuxStreamID(1))
        #expect(actions == [.write(hex("00 01 0001 00000001 00000000"))])
        #expect(try client.openStream().id == YamuxStreamID(3))
        var server = YamuxSession(role: .server)
        #expect(try server.openStream().id == YamuxStreamID(2))
        #expect(try server.openStream().id == YamuxStreamID(4))
    }

    @Test("a larger receive window is announced on the SYN and the ACK")
    func largerWindow() throws {
        let configuration = YamuxConfiguration(receiveWindow: 1024 * kib)
        var client = YamuxSession(role: .client, configuration: configuration)
        let (_, actions) = try client.openStream()
        #expect(
            actions.writtenHeaders == [
                YamuxFrameHeader(type: .windowUpdate, flags: .syn, streamID: YamuxStreamID(1), length: 768 * 1024)
            ]
        )
        var server = serverWithStream(accept: false, configuration: configuration)
        let ack = server.acceptStream(YamuxStreamID(1))
        #expect(
            ack.writtenHeaders == [
                YamuxFrameHeader(type: .windowUpdate, flags: .ack, streamID: YamuxStreamID(1), length: 768 * 1024)
            ]
        )
        #expect(server.status(of: YamuxStreamID(1))?.receiveCredit == 1024 * kib)
    }

    @Test("an inbound SYN is reported, and accepting it writes go's ACK frame")
    func accept() {
        var server = YamuxSession(role: .server)
        #expect(server.receive(hex("00 01 0001 00000001 00000000")) == [.streamOpened(YamuxStreamID(1))])
        #expect(server.acceptStream(YamuxStreamID(1)) == [.write(hex("00 01 0002 00000001 00000000"))])
        #expect(server.acceptStream(YamuxStreamID(1)) == [])
        #expect(server.status(of: YamuxStreamID(1))?.isAcknowledged == true)
    }

    @Test("SYN, ACK, FIN and RST are honoured on Data frames as on WindowUpdate frames")
    func flagsOnDataFrames() throws {
        var server = YamuxSession(role: .server)
        let actions = server.receive(frame(.data, .syn, 1, 3, payload: [1, 2, 3]) + frame(.data, .fin, 1, 0))
        #expect(
            actions == [
                .streamOpened(YamuxStreamID(1)), .data(YamuxStreamID(1), [1, 2, 3]), .remoteClosed(YamuxStreamID(1)),
            ]
        )
        #expect(server.receive(frame(.data, .rst, 1, 0)) == [.reset(YamuxStreamID(1), code: 0)])
        #expect(!server.isOpen(YamuxStreamID(1)))

        var client = YamuxSession(role: .client)
        let (id, _) = try client.openStream()
        #expect(
            client.receive(frame(.data, .ack, id.rawValue, 2, payload: [9, 9])) == [
                .streamAcknowledged(id), .data(id, [9, 9]),
            ]
        )
        #expect(client.receive(frame(.windowUpdate, .fin, id.rawValue, 0)) == [.remoteClosed(id)])
    }

    @Test("data is delivered and window is granted back once half of it is consumed")
    func windowUpdates() {
        var server = serverWithStream()
        let id = YamuxStreamID(1)
        let payload = [UInt8](repeating: 0xab, count: 100 * kib)
        #expect(
            server.receive(frame(.data, [], 1, UInt32(payload.count), payload: payload)) == [.data(id, payload[...])]
        )
        #expect(server.status(of: id)?.receiveCredit == window - 100 * kib)
        #expect(server.status(of: id)?.unconsumedBytes == 100 * kib)
        #expect(server.consumed(100 * kib, on: id) == [])
        _ = server.receive(frame(.data, [], 1, UInt32(payload.count), payload: payload))
        let update = server.consumed(100 * kib, on: id)
        #expect(
            update.writtenHeaders == [
                YamuxFrameHeader(type: .windowUpdate, flags: [], streamID: id, length: 200 * 1024)
            ]
        )
        #expect(server.status(of: id)?.receiveCredit == window)
        #expect(server.status(of: id)?.unconsumedBytes == 0)
    }

    @Test("consuming or writing on an unacknowledged inbound stream acknowledges it")
    func implicitAck() throws {
        var server = serverWithStream(accept: false)
        let id = YamuxStreamID(1)
        let (accepted, actions) = try server.send([1, 2, 3], on: id)
        #expect(accepted == 3)
        #expect(actions.writtenHeaders.first?.flags == .ack)
        #expect(server.status(of: id)?.isAcknowledged == true)
        #expect(try server.send([4], on: id).actions.writtenHeaders.first?.flags == [])
    }

    @Test("sending respects the peer's window, queues the rest and reports when room returns")
    func sendWindow() throws {
        var client = YamuxSession(
            role: .client,
            configuration: YamuxConfiguration(maximumQueuedBytesPerStream: 64 * kib)
        )
        let (id, _) = try client.openStream()
        let data = SplitMix64(seed: 1).bytesOf(500 * kib)
        let (accepted, actions) = try client.send(data, on: id)
        #expect(accepted == window + 64 * kib)
        let frames = parseFrames(actions.written)
        #expect(frames.count == 4)
        #expect(frames.allSatisfy { $0.header.type == .data && $0.payload.count == 64 * kib })
        #expect(client.status(of: id)?.sendWindow == 0)
        #expect(client.status(of: id)?.queuedBytes == 64 * kib)
        #expect(client.writableBytes(on: id) == 0)

        let more = client.receive(frame(.windowUpdate, [], id.rawValue, UInt32(100 * kib)))
        let flushed = parseFrames(more.written)
        #expect(flushed.map(\.payload.count) == [64 * kib])
        #expect(more.contains(.windowAvailable(id)))
        #expect(client.status(of: id)?.sendWindow == 36 * kib)
        let (second, _) = try client.send(Array(data[accepted...]), on: id)
        #expect(second == 36 * kib + 64 * kib)
        let sent = frames.flatMap(\.payload) + flushed.flatMap(\.payload)
        #expect(sent == Array(data.prefix(sent.count)))
    }

    @Test("window deltas add up to windows far above 256 KiB, but not beyond 2^32")
    func largeSendWindow() throws {
        var client = YamuxSession(role: .client)
        let (id, _) = try client.openStream()
        _ = client.receive(frame(.windowUpdate, .ack, id.rawValue, 4 * 1024 * 1024))
        #expect(client.status(of: id)?.sendWindow == window + 4 * 1024 * 1024)
        let actions = client.receive(frame(.windowUpdate, [], id.rawValue, UInt32.max))
        #expect(actions.failure?.code == .protocolViolation)
    }

    @Test("half-close both ways ends the stream; FIN waits for queued data")
    func halfClose() throws {
        var client = YamuxSession(
            role: .client,
            configuration: YamuxConfiguration(maximumQueuedBytesPerStream: 1024 * kib)
        )
        let (id, _) = try client.openStream()
        _ = try client.send([UInt8](repeating: 1, count: 300 * kib), on: id)
        let close = client.closeStream(id)
        #expect(close == [])
        #expect(throws: ShoalError(.closed, "")) { try client.send([1], on: id) }
        let flush = client.receive(frame(.windowUpdate, .ack, id.rawValue, UInt32(100 * kib)))
        let headers = flush.writtenHeaders
        #expect(headers.last == YamuxFrameHeader(type: .windowUpdate, flags: .fin, streamID: id, length: 0))
        #expect(headers.dropLast().reduce(0) { $0 + Int($1.length) } == 44 * kib)
        #expect(client.receive(frame(.windowUpdate, .fin, id.rawValue, 0)) == [.remoteClosed(id), .streamClosed(id)])
        #expect(!client.isOpen(id))
        #expect(client.closeStream(id) == [])
    }

    @Test("closing after the peer's FIN forgets the stream")
    func closeAfterRemoteFin() {
        var server = serverWithStream()
        let id = YamuxStreamID(1)
        #expect(server.receive(frame(.windowUpdate, .fin, 1, 0)) == [.remoteClosed(id)])
        let close = server.closeStream(id)
        #expect(close == [.write(frame(.windowUpdate, .fin, 1, 0)), .streamClosed(id)])
        #expect(server.streamCount == 0)
    }

    @Test("RST both ways: the code is an error code, not a delta")
    func reset() throws {
        var server = serverWithStream()
        let id = YamuxStreamID(1)
        #expect(server.resetStream(id, code: 7) == [.write(hex("00 01 0008 00000001 00000007"))])
        #expect(!server.isOpen(id))
        #expect(throws: ShoalError(.closed, "")) { try server.send([1], on: id) }

        var client = YamuxSession(role: .client)
        let (out, _) = try client.openStream()
        _ = try client.send([UInt8](repeating: 0, count: 300 * kib), on: out)
        #expect(client.receive(frame(.windowUpdate, .rst, out.rawValue, 42)) == [.reset(out, code: 42)])
        #expect(client.bufferedByteCount == 0)
        // The ACK-backlog slot of the unacknowledged stream is released.
        #expect(client.unacknowledgedOutbound == 0)
    }

    @Test("frames for an unknown or closed stream are ignored and their payload drained")
    func unknownStream() {
        var server = serverWithStream()
        // The payload looks like a bad header; it must be skipped, not parsed.
        let junk = hex("07 07 0000 00000000 00000000")
        let input =
            frame(.data, [], 9, UInt32(junk.count), payload: junk) + frame(.windowUpdate, [], 11, 100)
            + frame(.data, [], 1, 2, payload: [5, 6])
        #expect(server.receive(input) == [.data(YamuxStreamID(1), [5, 6])])
        _ = server.resetStream(YamuxStreamID(1))
        #expect(server.receive(frame(.data, [], 1, 2, payload: [5, 6])) == [])
        #expect(!server.hasFailed)
    }

    @Test("a duplicate SYN resets that stream")
    func duplicateSyn() {
        var server = serverWithStream()
        let actions = server.receive(frame(.windowUpdate, .syn, 1, 0))
        #expect(actions == [.write(frame(.windowUpdate, .rst, 1, 1)), .reset(YamuxStreamID(1), code: 1)])
        #expect(!server.isOpen(YamuxStreamID(1)))
        #expect(!server.hasFailed)
    }

    @Test("inbound SYNs beyond the unacknowledged backlog are reset")
    func inboundBacklog() {
        var server = YamuxSession(
            role: .server,
            configuration: YamuxConfiguration(maximumUnacknowledgedInboundStreams: 4)
        )
        var input: [UInt8] = []
        for i in 0..<5 { input += frame(.windowUpdate, .syn, UInt32(2 * i + 1), 0) }
        let actions = server.receive(input)
        #expect(actions.filter { if case .streamOpened = $0 { true } else { false } }.count == 4)
        #expect(
            actions.writtenHeaders == [
                YamuxFrameHeader(type: .windowUpdate, flags: .rst, streamID: YamuxStreamID(9), length: 0)
            ]
        )
        _ = server.acceptStream(YamuxStreamID(1))
        #expect(server.receive(frame(.windowUpdate, .syn, 11, 0)) == [.streamOpened(YamuxStreamID(11))])
    }

    @Test("the default inbound backlog is 256 streams")
    func defaultInboundBacklog() {
        var server = YamuxSession(role: .server)
        var input: [UInt8] = []
        for i in 0..<257 { input += frame(.windowUpdate, .syn, UInt32(2 * i + 1), 0) }
        let actions = server.receive(input)
        #expect(server.streamCount == 256)
        #expect(actions.writtenHeaders.map(\.flags) == [.rst])
    }

    @Test("the stream cap resets inbound SYNs and refuses outbound opens")
    func streamCap() throws {
        var server = YamuxSession(role: .server, configuration: YamuxConfiguration(maximumStreams: 2))
        _ = server.receive(frame(.windowUpdate, .syn, 1, 0))
        _ = try server.openStream()
        #expect(server.receive(frame(.windowUpdate, .syn, 3, 0)).writtenHeaders.map(\.flags) == [.rst])
        #expect(throws: ShoalError(.limitExceeded, "")) { try server.openStream() }
    }

    @Test("the ACK backlog refuses a 257th unacknowledged outbound stream until an ACK arrives")
    func outboundBacklog() throws {
        var client = YamuxSession(role: .client)
        for _ in 0..<256 { _ = try client.openStream() }
        #expect(throws: ShoalError(.limitExceeded, "")) { try client.openStream() }
        #expect(client.receive(frame(.windowUpdate, .ack, 1, 0)) == [.streamAcknowledged(YamuxStreamID(1))])
        #expect(try client.openStream().id == YamuxStreamID(513))
    }
}

@Suite("Yamux session: session frames and failures")
struct YamuxSessionControlTests {
    @Test("a ping SYN is answered with an ACK carrying the same value")
    func ping() {
        var server = YamuxSession(role: .server)
        #expect(server.receive(hex("00 02 0001 00000000 01020304")) == [.write(hex("00 02 0002 00000000 01020304"))])
    }

    @Test("keepalive pings on the timer, re-arms on the ACK and fails after the timeout")
    func keepalive() {
        var client = YamuxSession(
            role: .client,
            configuration: YamuxConfiguration(keepaliveInterval: .seconds(30), keepaliveTimeout: .seconds(10))
        )
        #expect(client.start(now: .seconds(5)) == [.scheduleKeepalive(at: .seconds(35))])
        #expect(client.keepaliveTimerFired(now: .seconds(20)) == [.scheduleKeepalive(at: .seconds(35))])
        let first = client.keepaliveTimerFired(now: .seconds(35))
        #expect(first == [.write(hex("00 02 0001 00000000 00000001")), .scheduleKeepalive(at: .seconds(45))])
        #expect(client.receive(hex("00 02 0002 00000000 00000001")) == [.scheduleKeepalive(at: .seconds(65))])
        #expect(client.keepaliveTimerFired(now: .seconds(45)) == [.scheduleKeepalive(at: .seconds(65))])
        let second = client.keepaliveTimerFired(now: .seconds(65))
        #expect(second.writtenHeaders == [YamuxFrameHeader(type: .ping, flags: .syn, streamID: .session, length: 2)])
        // A stale ACK does not count.
        #expect(client.receive(hex("00 02 0002 00000000 00000001")) == [])
        #expect(client.keepaliveTimerFired(now: .seconds(70)) == [.scheduleKeepalive(at: .seconds(75))])
        let timeout = client.keepaliveTimerFired(now: .seconds(75))
        #expect(timeout.failure?.code == .timeout)
        #expect(client.hasFailed)
        #expect(throws: ShoalError(.closed, "")) { try client.openStream() }
    }

    @Test("no keepalive when it is turned off")
    func noKeepalive() {
        var client = YamuxSession(role: .client, configuration: YamuxConfiguration(keepaliveInterval: nil))
        #expect(client.start(now: .zero) == [])
        #expect(client.keepaliveTimerFired(now: .seconds(100)) == [])
    }

    @Test("after receiving GoAway no stream can be opened; existing ones continue")
    func receiveGoAway() throws {
        var client = YamuxSession(role: .client)
        let (id, _) = try client.openStream()
        #expect(client.receive(hex("00 03 0000 00000000 00000000")) == [.goAway(.normal)])
        #expect(throws: ShoalError(.closed, "")) { try client.openStream() }
        #expect(try client.send([1, 2], on: id).accepted == 2)
    }

    @Test("after sending GoAway inbound SYNs are reset")
    func sendGoAway() throws {
        var server = YamuxSession(role: .server)
        #expect(server.goAway() == [.write(hex("00 03 0000 00000000 00000000"))])
        #expect(server.goAway() == [])
        #expect(server.receive(frame(.windowUpdate, .syn, 1, 0)) == [.write(frame(.windowUpdate, .rst, 1, 0))])
        #expect(throws: ShoalError(.closed, "")) { try server.openStream() }
    }

    @Test("a wrong-parity SYN fails the session with GoAway(protocol error)")
    func wrongParity() {
        var client = YamuxSession(role: .client)
        let actions = client.receive(frame(.windowUpdate, .syn, 3, 0))
        #expect(actions.written == hex("00 03 0000 00000000 00000001"))
        #expect(actions.failure?.code == .protocolViolation)
        #expect(client.receive(frame(.windowUpdate, .syn, 2, 0)) == [])
        var server = YamuxSession(role: .server)
        #expect(server.receive(frame(.data, .syn, 2, 0)).failure?.code == .protocolViolation)
    }

    @Test("more data than the window allows fails the session with GoAway(protocol error)")
    func windowOverflow() {
        var server = serverWithStream()
        let full = [UInt8](repeating: 1, count: window)
        #expect(server.receive(frame(.data, [], 1, UInt32(window), payload: full)).failure == nil)
        let actions = server.receive(frame(.data, [], 1, 1, payload: [1]))
        #expect(actions.written == hex("00 03 0000 00000000 00000001"))
        #expect(actions.failure?.code == .protocolViolation)
        #expect(server.streamCount == 0)
    }

    @Test("a Data|SYN larger than the initial window fails the session")
    func synDataOverflow() {
        var server = YamuxSession(role: .server)
        let payload = [UInt8](repeating: 1, count: window + 1)
        let actions = server.receive(frame(.data, .syn, 1, UInt32(payload.count), payload: payload))
        #expect(actions.failure?.code == .protocolViolation)
        #expect(actions.delivered.isEmpty)
    }

    @Test("data after the peer's FIN is ignored")
    func dataAfterFin() {
        var server = serverWithStream()
        let id = YamuxStreamID(1)
        #expect(server.receive(frame(.windowUpdate, .fin, 1, 0)) == [.remoteClosed(id)])
        #expect(
            server.receive(frame(.data, [], 1, 3, payload: [1, 2, 3]) + frame(.data, [], 1, 1, payload: [4])) == []
        )
        #expect(!server.hasFailed)
    }

    @Test("an unknown version, an unknown type, an oversize frame or a stream frame on ID 0 fail the session")
    func malformedFrames() {
        let inputs: [[UInt8]] = [
            hex("01 00 0000 00000001 00000000"),
            hex("00 09 0000 00000001 00000000"),
            hex("00 00 0000 00000001 01000001"),
            hex("00 01 0000 00000000 00000001"),
        ]
        for input in inputs {
            var server = serverWithStream()
            let actions = server.receive(input)
            #expect(actions.failure?.code == .protocolViolation)
            #expect(actions.written == hex("00 03 0000 00000000 00000001"))
        }
        var small = YamuxSession(role: .server, configuration: YamuxConfiguration(maximumInboundFramePayload: 1024))
        #expect(small.receive(hex("00 00 0001 00000001 00000401")).failure?.code == .protocolViolation)
    }

    @Test("every frame kind works fed one byte at a time")
    func byteAtATime() {
        var server = YamuxSession(role: .server)
        let input =
            frame(.data, .syn, 1, 5, payload: [1, 2, 3, 4, 5]) + hex("00 02 0001 00000000 00000009")
            + frame(.windowUpdate, [], 1, 10) + frame(.data, .fin, 1, 2, payload: [6, 7])
            + frame(.windowUpdate, .syn, 3, 0)
            + frame(.windowUpdate, .rst, 3, 5) + hex("00 03 0000 00000000 00000002")
        var actions: [YamuxAction] = []
        for byte in input {
            actions += server.receive([byte])
            #expect(server.bufferedByteCount < YamuxFrameHeader.size)
        }
        let id = YamuxStreamID(1)
        #expect(actions.delivered == [id: [1, 2, 3, 4, 5, 6, 7]])
        #expect(actions.written == hex("00 02 0002 00000000 00000009"))
        let events = actions.filter { if case .data = $0 { false } else if case .write = $0 { false } else { true } }
        #expect(
            events == [
                .streamOpened(id), .remoteClosed(id), .streamOpened(YamuxStreamID(3)),
                .reset(YamuxStreamID(3), code: 5), .goAway(.internalError),
            ]
        )
        #expect(server.status(of: id)?.sendWindow == window + 10)
    }
}

extension SplitMix64 {
    func bytesOf(_ count: Int) -> [UInt8] {
        var copy = self
        return copy.bytes(count)
    }
}
