import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("Stream writes over loopback TCP: what the caller does with its array after a write")
struct WriteIntegrityTests {
    @Test("overwriting the array after each write does not change the bytes sent, queued ones included")
    func overwriteAfterWrite() async throws {
        try await withHost(try HostTests.configuration()) { a in
            try await withHost(try HostTests.configuration()) { b in
                let received = AsyncStream<[UInt8]>.makeStream()
                // The reader starts late, so that the windows fill and writes wait in the yamux queue.
                let go = AsyncStream<Void>.makeStream()
                b.register("/test/sink/1.0.0") { stream in
                    var wait = go.stream.makeAsyncIterator()
                    _ = await wait.next()
                    var all: [UInt8] = []
                    while let chunk = try await stream.readChunk(upTo: 1 << 20) { all += chunk }
                    received.continuation.yield(all)
                }
                try await a.connect(b.dialableAddresses[0])
                let stream = try await a.newStream(to: b.peerID, protocols: ["/test/sink/1.0.0"])
                var expected: [UInt8] = []
                // One buffer, refilled after every write; odd sizes so that frames straddle Noise frames.
                var buffer = [UInt8](repeating: 0, count: 150_001)
                for round in 0..<24 {
                    let count = 150_001 - round * 4099
                    for i in 0..<count { buffer[i] = UInt8(truncatingIfNeeded: i &* 7 &+ round) }
                    let written = Array(buffer[0..<count])
                    expected += written
                    // By round 19 about 2.15 MB were written: past the 2 MiB window, within the 256 KiB queue.
                    if round == 19 { go.continuation.yield() }
                    try await stream.write(round % 2 == 0 ? written : buffer.prefix(count).map { $0 })
                    for i in 0..<count { buffer[i] = 0xee }
                }
                stream.closeWrite()
                var iterator = received.stream.makeAsyncIterator()
                let all = try #require(await iterator.next())
                #expect(all.count == expected.count)
                #expect(SHA256.hash(all) == SHA256.hash(expected))
            }
        }
    }
}
