import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("ShoalStream.readChunk over loopback TCP")
struct ReadChunkTests {
    @Test("readChunk hands out every byte in order, in slices of at most the size asked, then nil at the end")
    func readChunkInOrder() async throws {
        try await withHost(try HostTests.configuration()) { a in
            try await withHost(try HostTests.configuration()) { b in
                let received = AsyncStream<[UInt8]>.makeStream()
                b.register("/test/sink/1.0.0") { stream in
                    var all: [UInt8] = []
                    while let chunk = try await stream.readChunk(upTo: 100_000) {
                        #expect(!chunk.isEmpty && chunk.count <= 100_000)
                        all += chunk
                    }
                    received.continuation.yield(all)
                }
                try await a.connect(b.dialableAddresses[0])
                let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
                let stream = try await a.newStream(to: b.peerID, protocols: ["/test/sink/1.0.0"])
                // Odd write sizes, so that yamux frames and Noise frames straddle socket reads.
                var offset = 0
                var size = 1
                while offset < payload.count {
                    let end = min(offset + size, payload.count)
                    try await stream.write(Array(payload[offset..<end]))
                    offset = end
                    size = size * 7 % 200_003 + 1
                }
                stream.closeWrite()
                var iterator = received.stream.makeAsyncIterator()
                let all = try #require(await iterator.next())
                #expect(all.count == payload.count)
                #expect(SHA256.hash(all) == SHA256.hash(payload))
            }
        }
    }
}
