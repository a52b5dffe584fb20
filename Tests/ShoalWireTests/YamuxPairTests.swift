import ShoalCore
import Testing

@testable import ShoalWire

/// Deterministic test data for a stream: its length depends on the ID, its bytes on the seed.
private func payload(for id: YamuxStreamID, direction: UInt64, size: ClosedRange<Int>) -> [UInt8] {
    var rng = SplitMix64(seed: UInt64(id.rawValue) &* 1_000_003 &+ direction)
    let count = Int.random(in: size, using: &rng)
    return rng.bytes(count)
}

/// Runs `clientStreams` + `serverStreams` streams in both directions and checks every byte, the closes and the
/// flow-control bounds.
@discardableResult
private func exchange(
    clientStreams: Int,
    serverStreams: Int,
    size: ClosedRange<Int>,
    chunking: Chunking,
    readPerStep: Int,
    configuration: YamuxConfiguration = YamuxConfiguration(keepaliveInterval: nil)
) throws -> YamuxPair {
    var pair = YamuxPair(configuration: configuration, chunking: chunking, readPerStep: readPerStep)
    pair.client.replies = { payload(for: $0, direction: 2, size: size) }
    pair.server.replies = { payload(for: $0, direction: 2, size: size) }
    var opened: [(YamuxStreamID, opener: YamuxRole)] = []
    for _ in 0..<clientStreams {
        let (id, actions) = try pair.client.session.openStream()
        YamuxPair.apply(actions, to: &pair.client, other: &pair.server)
        pair.client.outgoing[id] = payload(for: id, direction: 1, size: size)[...]
        pair.client.closeWhenSent.insert(id)
        opened.append((id, .client))
    }
    for _ in 0..<serverStreams {
        let (id, actions) = try pair.server.session.openStream()
        YamuxPair.apply(actions, to: &pair.server, other: &pair.client)
        pair.server.outgoing[id] = payload(for: id, direction: 1, size: size)[...]
        pair.server.closeWhenSent.insert(id)
        opened.append((id, .server))
    }
    var maximumBuffered = 0
    var idle = 0
    for _ in 0..<200_000 where idle < 2 {
        idle = pair.step() == 0 ? idle + 1 : 0
        maximumBuffered = max(
            maximumBuffered,
            pair.client.session.bufferedByteCount,
            pair.server.session.bufferedByteCount
        )
    }
    #expect(idle == 2, "the exchange settled")
    for (id, opener) in opened {
        let forward = payload(for: id, direction: 1, size: size)
        let backward = payload(for: id, direction: 2, size: size)
        let (sender, receiver) = opener == .client ? (pair.client, pair.server) : (pair.server, pair.client)
        #expect(sameBytes(receiver.received[id, default: []], forward), "forward data on \(id)")
        #expect(sameBytes(sender.received[id, default: []], backward), "backward data on \(id)")
        #expect(sender.closed.contains(id) && receiver.closed.contains(id), "\(id) closed on both sides")
    }
    let queueCap = configuration.maximumQueuedBytesPerStream * (clientStreams + serverStreams)
    #expect(maximumBuffered <= queueCap + YamuxFrameHeader.size)
    for peer in [pair.client, pair.server] {
        #expect(peer.failures.isEmpty)
        #expect(peer.resets.isEmpty)
        #expect(peer.windowViolations == 0)
        #expect(peer.maximumUnconsumedSeen <= configuration.receiveWindow)
        #expect(peer.session.streamCount == 0)
        #expect(peer.session.bufferedByteCount == 0)
    }
    return pair
}

@Suite("Yamux sessions back to back")
struct YamuxPairTests {
    @Test("many streams carry megabytes both ways with flow control respected")
    func manyStreams() throws {
        let pair = try exchange(
            clientStreams: 12,
            serverStreams: 12,
            size: 100_000...400_000,
            chunking: .random(100_000),
            readPerStep: 48 * 1024
        )
        let total =
            pair.client.received.values.reduce(0) { $0 + $1.count }
            + pair.server.received.values.reduce(0) { $0 + $1.count }
        #expect(total > 10_000_000)
        // The slow reader was the bottleneck: the receive windows filled up.
        #expect(pair.client.maximumUnconsumedSeen > 128 * 1024)
    }

    @Test("a larger receive window works end to end")
    func largeWindow() throws {
        let configuration = YamuxConfiguration(receiveWindow: 2 * 1024 * 1024, keepaliveInterval: nil)
        let pair = try exchange(
            clientStreams: 2,
            serverStreams: 1,
            size: 3_000_000...3_000_000,
            chunking: .whole,
            readPerStep: 512 * 1024,
            configuration: configuration
        )
        #expect(pair.server.maximumUnconsumedSeen > 256 * 1024)
    }

    @Test("everything works fed one byte at a time")
    func byteAtATime() throws {
        try exchange(clientStreams: 3, serverStreams: 2, size: 5_000...20_000, chunking: .bytes, readPerStep: 3_000)
    }

    @Test("a reader that never consumes stops the sender at the window plus the queue cap")
    func backpressure() throws {
        let configuration = YamuxConfiguration(maximumQueuedBytesPerStream: 100_000, keepaliveInterval: nil)
        var pair = YamuxPair(configuration: configuration, readPerStep: 0)
        let data = SplitMix64(seed: 3).bytesOf(1_000_000)
        let id = try YamuxPair.open(&pair.client, other: &pair.server, data: data)
        pair.run(maximumSteps: 100)
        #expect(pair.server.unconsumed[id] == YamuxConfiguration.initialStreamWindow)
        #expect(pair.client.outgoing[id]?.count == 1_000_000 - YamuxConfiguration.initialStreamWindow - 100_000)
        #expect(pair.client.session.status(of: id)?.queuedBytes == 100_000)
        #expect(pair.client.session.writableBytes(on: id) == 0)
        pair.readPerStep = .max
        pair.run()
        #expect(pair.server.received[id] == data)
        #expect(pair.server.remoteClosed.contains(id))
        #expect(pair.server.windowViolations == 0)
    }

    @Test("yamux frames pipelined behind the multistream echo reach the session through the leftover")
    func multistreamThenYamux() throws {
        var dialer = try MultistreamDialer(proposals: ["/yamux/1.0.0"], lazy: true)
        var client = YamuxSession(role: .client)
        let (id, open) = try client.openStream()
        let (_, data) = try client.send(Array("hello".utf8), on: id)
        let wire = dialer.start() + open.written + data.written

        var listener = try MultistreamListener(supported: ["/yamux/1.0.0"])
        _ = listener.start()
        // The header arrives byte by byte, the proposal and the yamux frames in one read.
        var leftover: [UInt8]?
        for byte in wire.prefix(20) {
            #expect(try listener.receive([byte]) == [])
        }
        for case .agreed(_, let rest) in try listener.receive(Array(wire.dropFirst(20))) { leftover = rest }
        #expect(leftover == open.written + data.written)
        var server = YamuxSession(role: .server)
        let actions = server.receive(try #require(leftover))
        #expect(actions == [.streamOpened(id), .data(id, Array("hello".utf8)[...])])
    }

    @Test("keepalive pings are answered by the peer")
    func keepalive() {
        var client = YamuxSession(role: .client)
        var server = YamuxSession(role: .server)
        _ = client.start(now: .zero)
        let ping = client.keepaliveTimerFired(now: .seconds(30))
        let pong = server.receive(ping.written)
        #expect(client.receive(pong.written) == [.scheduleKeepalive(at: .seconds(60))])
        #expect(!client.hasFailed)
    }

    @Test("a session that sent GoAway refuses new streams from its peer")
    func goAway() throws {
        var pair = YamuxPair()
        YamuxPair.apply(pair.server.session.goAway(), to: &pair.server, other: &pair.client)
        pair.run()
        #expect(throws: ShoalError(.closed, "")) { try pair.client.session.openStream() }
    }
}
