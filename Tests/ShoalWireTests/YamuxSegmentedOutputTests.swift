import ShoalCore
import Testing

@testable import ShoalWire

/// The actions with every segmented write flattened to a plain write (to compare with an unsegmented session).
private func flattened(_ actions: [YamuxAction]) -> [YamuxAction] {
    actions.map { action in
        if case .writeSegments(let output) = action { return .write(output.bytes) }
        return action
    }
}

/// A client session with stream 1 open, segmented or not.
private func client(segmented: Bool) throws -> YamuxSession {
    var configuration = YamuxConfiguration(maximumFramePayload: 65_536, maximumQueuedBytesPerStream: 1 << 20)
    configuration.segmentedOutput = segmented
    var session = YamuxSession(role: .client, configuration: configuration)
    _ = try session.openStream()
    return session
}

@Suite("Yamux session: segmented output")
struct YamuxSegmentedOutputTests {
    @Test(
        "segmented output carries the same bytes as the plain output, for odd sizes, past frame and window limits",
        arguments: [1, 1023, 1024, 1025, 65_535, 65_536, 65_537, 200_003, 262_144, 300_001]
    )
    func sameBytes(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size))
        var plain = try client(segmented: false)
        var segmented = try client(segmented: true)
        let id = YamuxStreamID(1)
        // Three writes: the later ones may not fit the 256 KiB window and wait in the queue.
        for _ in 0..<3 {
            let bytes = rng.bytes(size)
            let a = try plain.send(bytes, on: id)
            let b = try segmented.send(bytes, on: id)
            #expect(a.accepted == b.accepted)
            #expect(flattened(b.actions) == a.actions)
            #expect(!b.actions.contains { if case .write = $0 { true } else { false } })
        }
        // Window arrives in two grants: the queued data goes out the same way.
        for grant in [100_000, 1 << 20] {
            let update = frame(.windowUpdate, [], 1, UInt32(grant))
            #expect(flattened(segmented.receive(update)) == plain.receive(update))
        }
        #expect(segmented.status(of: id)?.queuedBytes == plain.status(of: id)?.queuedBytes)
        let close = (plain.closeStream(id), segmented.closeStream(id))
        #expect(flattened(close.1) == close.0)
    }

    @Test("large payloads stay slices of the sent array; small ones are copied inline")
    func slicesAndInline() throws {
        var session = try client(segmented: true)
        let big = [UInt8](repeating: 7, count: 5000)
        let (_, actions) = try session.send(big, on: YamuxStreamID(1))
        guard case .writeSegments(let output) = try #require(actions.first) else {
            Issue.record("expected a segmented write, got \(actions)")
            return
        }
        #expect(output.segments.map(\.count) == [YamuxFrameHeader.size, 5000])
        #expect(output.count == YamuxFrameHeader.size + 5000)
        let small = [UInt8](repeating: 9, count: YamuxOutput.inlineLimit - 1)
        let (_, smallActions) = try session.send(small, on: YamuxStreamID(1))
        guard case .writeSegments(let smallOutput) = try #require(smallActions.first) else {
            Issue.record("expected a segmented write, got \(smallActions)")
            return
        }
        #expect(smallOutput.segments.count == 1)
        #expect(Array(smallOutput.bytes.suffix(small.count)) == small)
    }

    @Test("changing an array after sending it changes neither the output nor the queued bytes")
    func callerMutation() throws {
        var session = try client(segmented: true)
        let id = YamuxStreamID(1)
        var bytes = [UInt8](repeating: 0xa5, count: 200_000)
        let (_, first) = try session.send(bytes, on: id)
        // 200,000 bytes sent, the rest of the 256 KiB window taken by the next write, which queues the remainder.
        let (_, second) = try session.send(bytes, on: id)
        #expect(session.status(of: id)?.queuedBytes == 400_000 - YamuxConfiguration.initialStreamWindow)
        for i in bytes.indices { bytes[i] = 0x11 }
        let flushed = session.receive(frame(.windowUpdate, [], 1, 1 << 20))
        let payloads = parseFrames((first + second + flushed).written).filter { $0.header.type == .data }
        let sent = payloads.flatMap(\.payload)
        #expect(sent.count == 400_000)
        #expect(sent.allSatisfy { $0 == 0xa5 })
    }

    @Test("appending outputs shifts the payload slices after the inline bytes")
    func append() {
        var a = YamuxOutput([1, 2, 3])
        a.appendSlice([10, 11][...])
        var b = YamuxOutput([4])
        b.appendSlice([20, 21, 22][...])
        b.appendInline([5, 6])
        a.append(b)
        #expect(a.bytes == [1, 2, 3, 10, 11, 4, 20, 21, 22, 5, 6])
        #expect(a.count == 11)
        #expect(a.segments.map(\.count) == [3, 2, 1, 3, 2])
        #expect(a == YamuxOutput([1, 2, 3, 10, 11, 4, 20, 21, 22, 5, 6]))
        #expect(a != YamuxOutput([1, 2, 3]))
        #expect(YamuxOutput().isEmpty && YamuxOutput().segments.isEmpty)
    }
}

@Suite("Slice queue")
struct SliceQueueTests {
    @Test("small appends merge into one copied chunk; large ones stay separate slices; consume crosses chunks")
    func mergeAndConsume() {
        var queue = SliceQueue()
        for i in 0..<10 { queue.append([UInt8](repeating: UInt8(i), count: 100)[...]) }
        #expect(queue.count == 1000)
        #expect(queue.front(upTo: 5000).count == 1000)
        let large = [UInt8](repeating: 0xee, count: 10_000)
        queue.append(large[...])
        #expect(queue.count == 11_000)
        queue.consume(950)
        #expect(queue.front(upTo: 5000) == [UInt8](repeating: 9, count: 50)[...])
        queue.consume(100)
        #expect(queue.front(upTo: 20_000).count == 9950)
        #expect(queue.front(upTo: 3).elementsEqual([0xee, 0xee, 0xee]))
        queue.consume(9950)
        #expect(queue.isEmpty && queue.front(upTo: 10).isEmpty)
        queue.append([1, 2, 3][...])
        #expect(queue.front(upTo: 10) == [1, 2, 3][...])
        queue.removeAll()
        #expect(queue.isEmpty && queue.count == 0)
    }

    @Test("many chunks are compacted as they are consumed, and the order is kept")
    func compaction() {
        var queue = SliceQueue()
        var expected: [UInt8] = []
        for i in 0..<300 {
            let chunk = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 5000)
            queue.append(chunk[...])
            expected += chunk
        }
        var drained: [UInt8] = []
        while !queue.isEmpty {
            let front = queue.front(upTo: 3001)
            drained += front
            queue.consume(front.count)
        }
        #expect(drained == expected)
    }
}
