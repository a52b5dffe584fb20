import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

@Suite("Noise transport frames")
struct NoiseTransportTests {
    /// Splits a frame stream into its frames, checking each length prefix.
    private func frames(_ stream: [UInt8]) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let length = Int(stream[offset]) << 8 | Int(stream[offset + 1])
            try #require(offset + 2 + length <= stream.count)
            out.append(Array(stream[(offset + 2)..<(offset + 2 + length)]))
            offset += 2 + length
        }
        return out
    }

    @Test("a 200 KB write is cut into frames of at most 65519 plaintext bytes")
    func chunking() throws {
        var (a, b) = transportPair()
        var rng = SplitMix64(seed: 200)
        let data = rng.bytes(200_000)
        let stream = try a.encrypt(data)
        #expect(stream.count == NoiseTransport.sealedLength(plaintextLength: data.count))
        let parts = try frames(stream)
        #expect(parts.map(\.count) == [65535, 65535, 65535, 200_000 - 3 * 65519 + 16])
        #expect(a.sentFrameCount == 4)
        var plain: [UInt8] = []
        #expect(try b.decrypt(stream, appendingTo: &plain) == 4)
        #expect(plain == data)
        #expect(b.receivedFrameCount == 4)
    }

    @Test("frames fed one byte at a time, in odd chunks, or all at once give the same plaintext")
    func arbitraryChunks() throws {
        var (a, b) = transportPair()
        var stream: [UInt8] = []
        var expected: [UInt8] = []
        for size in [0, 1, 2, 15, 16, 17, 100, 65519, 65520, 1000] {
            let data = [UInt8](repeating: UInt8(size & 0xff), count: size)
            try a.encrypt(data, appendingTo: &stream)
            expected += data
        }
        #expect(try a.encrypt([UInt8]()).isEmpty)
        for chunk in [1, 3, 1000, 70000, stream.count] {
            var receiver = b
            var plain: [UInt8] = []
            var offset = 0
            while offset < stream.count {
                let end = Swift.min(offset + chunk, stream.count)
                try receiver.decrypt(stream[offset..<end], appendingTo: &plain)
                offset = end
            }
            #expect(plain == expected, "chunk \(chunk)")
            #expect(receiver.bufferedByteCount == 0)
        }
        // Frame by frame with feed/nextPlaintext, one byte at a time.
        var plain: [UInt8] = []
        for byte in stream {
            try b.feed([byte])
            while let message = try b.nextPlaintext() { plain += message }
        }
        #expect(plain == expected)
        #expect(try b.nextPlaintext() == nil)
    }

    @Test("bytes buffered by feed are drained by decrypt, including a partial frame completed by new input")
    func mixedFeedAndDecrypt() throws {
        var (a, b) = transportPair()
        var stream: [UInt8] = []
        for text in ["first", "second", "third frame"] { try a.encrypt(Array(text.utf8), appendingTo: &stream) }
        // Two and a half frames through feed, the rest through decrypt.
        let cut = 2 * (2 + 16) + 5 + 6 + 7
        try b.feed(stream[..<cut])
        #expect(try b.nextPlaintext() == Array("first".utf8))
        var plain: [UInt8] = []
        #expect(try b.decrypt(stream[cut...], appendingTo: &plain) == 2)
        #expect(plain == Array("secondthird frame".utf8))
        #expect(b.bufferedByteCount == 0)
        #expect(b.receivedFrameCount == 3)
    }

    @Test("an empty-plaintext frame (16 bytes) and a maximum frame (65535 bytes) are accepted")
    func frameBounds() throws {
        var (a, b) = transportPair()
        // A 16-byte frame (the public API never sends one): an empty plaintext sealed at nonce 0.
        let key = SecureBytes(randomCount: 32)
        var sealer = NoiseCipherState(key: key)
        let tag = try sealer.encrypt([UInt8](), authenticating: [UInt8]())
        #expect(tag.count == 16)
        var lone = NoiseTransport(
            sender: NoiseCipherState(key: SecureBytes(randomCount: 32)),
            receiver: NoiseCipherState(key: key)
        )
        try lone.feed(framed(tag))
        #expect(try lone.nextPlaintext() == [])

        let big = try a.encrypt([UInt8](repeating: 3, count: NoiseTransport.maximumPlaintextLength))
        #expect(big.count == 65537 && big[0] == 0xff && big[1] == 0xff)
        var plain: [UInt8] = []
        #expect(try b.decrypt(big, appendingTo: &plain) == 1)
        #expect(plain == [UInt8](repeating: 3, count: 65519))
    }

    @Test("encrypting into a caller buffer writes the same frames and checks the buffer size")
    func encryptIntoBuffer() throws {
        var (a, b) = transportPair()
        var copy = a
        let data = [UInt8](repeating: 0x33, count: 70_000)
        let expected = try copy.encrypt(data)
        var buffer = [UInt8](repeating: 0, count: NoiseTransport.sealedLength(plaintextLength: data.count) + 5)
        let written = try data.withUnsafeBytes { p in
            try buffer.withUnsafeMutableBytes { try a.encrypt(p, into: $0) }
        }
        #expect(written == expected.count)
        #expect(Array(buffer.prefix(written)) == expected)
        var plain: [UInt8] = []
        #expect(try b.decrypt(buffer.prefix(written), appendingTo: &plain) == 2)
        #expect(plain == data)
        var small = [UInt8](repeating: 0, count: 10)
        expectShoalError(.invalidArgument) {
            try data.withUnsafeBytes { p in try small.withUnsafeMutableBytes { try a.encrypt(p, into: $0) } }
        }
    }

    @Test("sealing frames in place writes the same frames as encrypt, and checks the length and the buffer size")
    func sealFrameInPlace() throws {
        var (a, b) = transportPair()
        var copy = a
        let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = try copy.encrypt(data)
        // Two frames, the plaintext of each placed after room for its length prefix, then sealed in place.
        var sealed: [UInt8] = []
        for chunk in [data[0..<65_519], data[65_519...]] {
            var frame = [UInt8](repeating: 0, count: NoiseTransport.sealedLength(plaintextLength: chunk.count))
            frame.replaceSubrange(2..<(2 + chunk.count), with: chunk)
            let written = try frame.withUnsafeMutableBytes { try a.sealFrameInPlace($0, plaintextLength: chunk.count) }
            #expect(written == frame.count)
            sealed += frame
        }
        #expect(sealed == expected)
        var plain: [UInt8] = []
        #expect(try b.decrypt(sealed, appendingTo: &plain) == 2)
        #expect(plain == data)
        var buffer = [UInt8](repeating: 0, count: 70_000)
        for length in [0, 65_520] {
            expectShoalError(.invalidArgument) {
                try buffer.withUnsafeMutableBytes { try a.sealFrameInPlace($0, plaintextLength: length) }
            }
        }
        var small = [UInt8](repeating: 0, count: 100)
        expectShoalError(.invalidArgument) {
            try small.withUnsafeMutableBytes { try a.sealFrameInPlace($0, plaintextLength: 90) }
        }
    }

    @Test("decrypting into a caller buffer works across any chunking and checks the buffer size")
    func decryptIntoBuffer() throws {
        var (a, b) = transportPair()
        var rng = SplitMix64(seed: 201)
        let data = rng.bytes(150_000)
        let stream = try a.encrypt(data)
        for chunk in [1, 7, 65537, 70000, stream.count] {
            var receiver = b
            var plain: [UInt8] = []
            var offset = 0
            while offset < stream.count {
                let end = Swift.min(offset + chunk, stream.count)
                let piece = try stream[offset..<end].withUnsafeBytes { input in
                    try [UInt8](unsafeUninitializedCapacity: receiver.plaintextBound(adding: input.count)) { out, n in
                        n = 0
                        n = try receiver.decrypt(input, into: UnsafeMutableRawBufferPointer(out)).bytes
                    }
                }
                plain += piece
                offset = end
            }
            #expect(plain == data, "chunk \(chunk)")
            #expect(receiver.bufferedByteCount == 0)
        }
        var small = [UInt8](repeating: 0, count: 100)
        expectShoalError(.invalidArgument) {
            try stream.withUnsafeBytes { input in
                try small.withUnsafeMutableBytes { _ = try b.decrypt(input, into: $0) }
            }
        }
    }

    @Test("a frame length below 16 is a fatal malformed-input error")
    func undersizeFrame() throws {
        var (_, b) = transportPair()
        var plain: [UInt8] = []
        expectShoalError(.malformedInput) {
            try b.decrypt([0x00, 0x0f] + [UInt8](repeating: 0, count: 15), appendingTo: &plain)
        }
        expectShoalError(.closed) { try b.decrypt([UInt8](), appendingTo: &plain) }
        var (_, c) = transportPair()
        try c.feed([0x00, 0x00])
        expectShoalError(.malformedInput) { try c.nextPlaintext() }
    }

    @Test("a tampered ciphertext, a replayed frame or frames out of order fail authentication")
    func tampered() throws {
        var (a, b) = transportPair()
        let first = try a.encrypt(Array("one".utf8))
        let second = try a.encrypt(Array("two".utf8))
        var plain: [UInt8] = []

        var flipped = first
        flipped[4] ^= 0x01
        var r1 = b
        expectShoalError(.authenticationFailed) { try r1.decrypt(flipped, appendingTo: &plain) }
        expectShoalError(.closed) { try r1.decrypt(first, appendingTo: &plain) }
        #expect(plain.isEmpty)

        var r2 = b
        expectShoalError(.authenticationFailed) { try r2.decrypt(second, appendingTo: &plain) }

        var r3 = b
        try r3.decrypt(first, appendingTo: &plain)
        expectShoalError(.authenticationFailed) { try r3.decrypt(first, appendingTo: &plain) }
        #expect(plain == Array("one".utf8))

        // The slow path (a partial frame buffered before) fails the same way.
        var r4 = b
        plain = []
        try r4.decrypt(flipped.prefix(3), appendingTo: &plain)
        expectShoalError(.authenticationFailed) { try r4.decrypt(flipped.dropFirst(3), appendingTo: &plain) }
        #expect(plain.isEmpty)
    }

    @Test("the nonce space ends before 2^64 - 1 in each direction")
    func nonceExhaustion() throws {
        let key = SecureBytes(randomCount: 32)
        var sender = NoiseTransport(
            sender: NoiseCipherState(key: key, nonce: UInt64.max - 1),
            receiver: NoiseCipherState(key: key)
        )
        var receiver = NoiseTransport(
            sender: NoiseCipherState(key: key),
            receiver: NoiseCipherState(key: key, nonce: UInt64.max - 1)
        )
        let last = try sender.encrypt([1])
        var plain: [UInt8] = []
        #expect(try receiver.decrypt(last, appendingTo: &plain) == 1)
        #expect(plain == [1])
        var out: [UInt8] = [9]
        expectShoalError(.limitExceeded) { try sender.encrypt([2], appendingTo: &out) }
        #expect(out == [9])
        expectShoalError(.closed) { try sender.encrypt([3]) }
        expectShoalError(.limitExceeded) { try receiver.decrypt(last, appendingTo: &plain) }
        var cipher = NoiseCipherState(key: key, nonce: .max)
        expectShoalError(.limitExceeded) { try cipher.encrypt([1], authenticating: [UInt8]()) }
    }

    @Test("feed refuses to buffer more than the limit")
    func bufferLimit() throws {
        var (_, b) = transportPair()
        let chunk = [UInt8](repeating: 0xff, count: 1 << 20)
        for _ in 0..<4 { try b.feed(chunk) }
        expectShoalError(.limitExceeded) { try b.feed([0]) }
    }

    @Test("an empty key cipher state passes bytes through, as Noise specifies")
    func emptyKey() throws {
        var cipher = NoiseCipherState()
        #expect(!cipher.hasKey)
        #expect(try cipher.encrypt([1, 2, 3], authenticating: [9]) == [1, 2, 3])
        #expect(try cipher.decrypt([4, 5], authenticating: [9]) == [4, 5])
        #expect(cipher.nonce == 0)
    }
}
