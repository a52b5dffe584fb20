import ShoalCore
public import ShoalCrypto

/// The transport phase of a libp2p Noise connection: frames of `u16 big-endian length || ChaChaPoly ciphertext`.
///
/// Outbound plaintext is cut into chunks of at most ``maximumPlaintextLength`` bytes, one frame each. Inbound bytes
/// can be fed in chunks of any size: complete frames are decrypted, a partial frame is kept for the next call.
/// Each direction has its own nonce counter from 0. Any decryption failure, a frame shorter than the tag or the
/// nonce space running out is fatal: the value then refuses all further use with ``ShoalError/Code/closed``, and the
/// shell must close the connection. The Noise layer has no close message; EOF of the byte stream is the end.
public struct NoiseTransport: Sendable {
    /// The largest ciphertext in one frame (the u16 length field).
    public static let maximumFrameLength = 65535
    /// The smallest ciphertext in one frame (an empty plaintext and its tag).
    public static let minimumFrameLength = 16
    /// The largest plaintext in one frame.
    public static let maximumPlaintextLength = maximumFrameLength - tagLength
    /// The most inbound bytes ``feed(_:)`` keeps before they are taken with ``nextPlaintext()``.
    public static let maximumBufferedByteCount = 4 << 20
    /// The bytes before a frame's ciphertext (the big-endian length).
    public static let frameHeaderLength = lengthPrefix
    /// The bytes a frame adds to its plaintext (the length and the tag).
    public static let frameOverhead = lengthPrefix + tagLength
    static let tagLength = 16
    static let lengthPrefix = 2

    private var sender: NoiseCipherState
    private var receiver: NoiseCipherState
    /// Inbound bytes not yet decrypted: `inbound[inboundStart...]`.
    private var inbound: [UInt8] = []
    private var inboundStart = 0
    private var brokenReason: String?

    // MARK: - Initialisation

    /// A transport from the two cipher states of a finished handshake (see ``NoiseXXHandshakeState/split()``).
    /// - Parameters:
    ///   - sender: the keyed cipher state for outbound frames.
    ///   - receiver: the keyed cipher state for inbound frames.
    public init(sender: NoiseCipherState, receiver: NoiseCipherState) {
        precondition(sender.hasKey && receiver.hasKey, "a Noise transport needs keyed cipher states")
        self.sender = sender
        self.receiver = receiver
    }

    /// The number of received bytes held that do not yet make a complete frame (or that ``feed(_:)`` buffered).
    public var bufferedByteCount: Int { inbound.count - inboundStart }

    /// The number of frames sent so far (the next outbound nonce).
    public var sentFrameCount: UInt64 { sender.nonce }

    /// The number of frames received so far (the next inbound nonce).
    public var receivedFrameCount: UInt64 { receiver.nonce }

    // MARK: - Outbound

    /// The number of bytes ``encrypt(_:appendingTo:)`` produces for `plaintextLength` bytes.
    public static func sealedLength(plaintextLength: Int) -> Int {
        let frames = (plaintextLength + maximumPlaintextLength - 1) / maximumPlaintextLength
        return plaintextLength + frames * (lengthPrefix + tagLength)
    }

    /// Encrypts `plaintext` into frames appended to `output`. An empty plaintext appends nothing.
    /// - Parameters:
    ///   - plaintext: the bytes to send; any length (cut into chunks of ``maximumPlaintextLength``).
    ///   - output: the buffer the frames are appended to.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when the nonce space is used up, `closed` after a fatal
    ///   error.
    public mutating func encrypt(_ plaintext: some ContiguousByteSource, appendingTo output: inout [UInt8]) throws {
        try checkUsable()
        try plaintext.withUnsafeBytes { p in
            guard p.count > 0 else { return }
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: Self.sealedLength(plaintextLength: p.count)))
            do {
                _ = try output.withUnsafeMutableBytes { out in
                    try encrypt(p, into: UnsafeMutableRawBufferPointer(rebasing: out[start...]))
                }
            } catch {
                output.removeSubrange(start...)
                throw error
            }
        }
    }

    /// Encrypts `plaintext` into frames written at the start of `output`, without allocating (for example into
    /// the writable bytes of a NIO `ByteBuffer`). An empty plaintext writes nothing.
    /// - Parameters:
    ///   - plaintext: the bytes to send; any length.
    ///   - output: at least ``sealedLength(plaintextLength:)`` bytes; must not overlap `plaintext`.
    /// - Returns: the number of bytes written, ``sealedLength(plaintextLength:)``.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when `output` is too small, `limitExceeded` when the
    ///   nonce space is used up (nothing meaningful is written then), `closed` after a fatal error.
    @discardableResult
    public mutating func encrypt(
        _ plaintext: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        try checkUsable()
        let total = Self.sealedLength(plaintextLength: plaintext.count)
        guard output.count >= total else {
            throw ShoalError(.invalidArgument, "Noise output buffer of \(output.count) bytes is under \(total)")
        }
        var readOffset = 0
        var writeOffset = 0
        do {
            while readOffset < plaintext.count {
                let chunk = Swift.min(Self.maximumPlaintextLength, plaintext.count - readOffset)
                let sealedCount = chunk + Self.tagLength
                output[writeOffset] = UInt8(truncatingIfNeeded: sealedCount >> 8)
                output[writeOffset + 1] = UInt8(truncatingIfNeeded: sealedCount)
                let body = UnsafeMutableRawBufferPointer(
                    rebasing: output[
                        (writeOffset + Self.lengthPrefix)..<(writeOffset + Self.lengthPrefix + sealedCount)
                    ]
                )
                try sender.seal(
                    UnsafeRawBufferPointer(rebasing: plaintext[readOffset..<(readOffset + chunk)]),
                    into: body
                )
                readOffset += chunk
                writeOffset += Self.lengthPrefix + sealedCount
            }
        } catch {
            brokenReason = "\(error)"
            throw error
        }
        return total
    }

    /// Seals one frame in place: `frame` holds `plaintextLength` bytes of plaintext after room for the length
    /// prefix (at offset ``frameHeaderLength``); the length is written before it, the ciphertext replaces it and the
    /// tag follows it.
    /// - Parameters:
    ///   - frame: at least ``sealedLength(plaintextLength:)`` bytes.
    ///   - plaintextLength: 1...``maximumPlaintextLength`` bytes.
    /// - Returns: the frame's length, ``sealedLength(plaintextLength:)``.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when the length is out of range or `frame` is too small,
    ///   `limitExceeded` when the nonce space is used up, `closed` after a fatal error.
    @discardableResult
    public mutating func sealFrameInPlace(_ frame: UnsafeMutableRawBufferPointer, plaintextLength: Int) throws -> Int {
        try checkUsable()
        guard plaintextLength > 0, plaintextLength <= Self.maximumPlaintextLength else {
            throw ShoalError(.invalidArgument, "Noise frame plaintext of \(plaintextLength) bytes is out of range")
        }
        let sealedCount = plaintextLength + Self.tagLength
        guard frame.count >= Self.lengthPrefix + sealedCount else {
            throw ShoalError(.invalidArgument, "Noise frame buffer of \(frame.count) bytes is too small")
        }
        frame[0] = UInt8(truncatingIfNeeded: sealedCount >> 8)
        frame[1] = UInt8(truncatingIfNeeded: sealedCount)
        let body = UnsafeMutableRawBufferPointer(
            rebasing: frame[Self.lengthPrefix..<(Self.lengthPrefix + sealedCount)]
        )
        do {
            // The cipher reads the plaintext from the memory it writes the ciphertext to (allowed by libsodium).
            try sender.seal(UnsafeRawBufferPointer(rebasing: body[0..<plaintextLength]), into: body)
        } catch {
            brokenReason = "\(error)"
            throw error
        }
        return Self.lengthPrefix + sealedCount
    }

    /// Encrypts `plaintext` into a new buffer of frames.
    /// - Throws: see ``encrypt(_:appendingTo:)``.
    public mutating func encrypt(_ plaintext: some ContiguousByteSource) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(plaintext.withUnsafeBytes { Self.sealedLength(plaintextLength: $0.count) })
        try encrypt(plaintext, appendingTo: &out)
        return out
    }

    // MARK: - Inbound, all at once

    /// Takes received bytes and appends the plaintext of every frame they complete to `output`. A trailing partial
    /// frame is kept for the next call. Pass empty `input` to drain bytes buffered earlier (for example the bytes
    /// that followed the last handshake message).
    /// - Parameters:
    ///   - input: bytes from the connection, any amount.
    ///   - output: the buffer plaintext is appended to.
    /// - Returns: the number of frames decrypted.
    /// - Throws: ``ShoalError`` with code `malformedInput` (frame shorter than 16 bytes), `authenticationFailed`,
    ///   `limitExceeded` or `closed`. After a throw the transport is unusable.
    @discardableResult
    public mutating func decrypt(_ input: some ContiguousByteSource, appendingTo output: inout [UInt8]) throws -> Int {
        var frames = 0
        let plaintext = try input.withUnsafeBytes { raw in
            try [UInt8](unsafeUninitializedCapacity: plaintextBound(adding: raw.count)) { buffer, count in
                count = 0
                let result = try decrypt(raw, into: UnsafeMutableRawBufferPointer(buffer))
                count = result.bytes
                frames = result.frames
            }
        }
        if output.isEmpty {
            output = plaintext
        } else {
            output += plaintext
        }
        return frames
    }

    /// The most plaintext ``decrypt(_:into:)`` can produce when given `inputCount` more bytes (the held bytes
    /// count too): size the output with it.
    public func plaintextBound(adding inputCount: Int) -> Int {
        bufferedByteCount + inputCount
    }

    /// Takes received bytes and writes the plaintext of every frame they complete at the start of `output` (for
    /// example an array's uninitialised capacity: nothing is zero-filled first). Complete frames are decrypted
    /// straight from `input`; only a trailing partial frame is copied, to be completed by the next call.
    /// - Parameters:
    ///   - input: bytes from the connection, any amount.
    ///   - output: at least ``plaintextBound(adding:)`` bytes for `input.count`; must not overlap `input`.
    /// - Returns: the frames decrypted and the plaintext bytes written.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when `output` is too small, otherwise as
    ///   ``decrypt(_:appendingTo:)``. After a throw the transport is unusable.
    public mutating func decrypt(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws -> (frames: Int, bytes: Int) {
        try checkUsable()
        guard output.count >= plaintextBound(adding: input.count) else {
            throw ShoalError(
                .invalidArgument,
                "Noise output buffer of \(output.count) bytes is under \(plaintextBound(adding: input.count))"
            )
        }
        do {
            var frames = 0
            var written = 0
            var offset = 0
            if bufferedByteCount > 0 {
                // Work on the held bytes outside `self` (no copy, no overlapping access).
                var held: [UInt8] = []
                swap(&held, &inbound)
                defer { swap(&held, &inbound) }
                // 1. Frames already complete in the buffer (from feed(_:)).
                let consumed = try held.withUnsafeBytes { buffer in
                    try decryptFrames(in: UnsafeRawBufferPointer(rebasing: buffer[inboundStart...]), into: output)
                }
                held.removeSubrange(0..<(inboundStart + consumed.bytes))
                inboundStart = 0
                frames += consumed.frames
                written += consumed.written
                // 2. Complete the one partial frame from the new input, copying only what it needs.
                if !held.isEmpty {
                    if held.count < Self.lengthPrefix {
                        let take = Swift.min(Self.lengthPrefix - held.count, input.count)
                        held.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[0..<take]))
                        offset = take
                    }
                    if let length = try held.withUnsafeBytes({ try Self.frameLength(in: $0, at: 0) }) {
                        let take = Swift.min(Self.lengthPrefix + length - held.count, input.count - offset)
                        held.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
                        offset += take
                        if held.count == Self.lengthPrefix + length {
                            let done = try held.withUnsafeBytes {
                                try decryptFrames(
                                    in: $0,
                                    into: UnsafeMutableRawBufferPointer(rebasing: output[written...])
                                )
                            }
                            frames += done.frames
                            written += done.written
                            held.removeAll(keepingCapacity: true)
                        }
                    }
                }
                if !held.isEmpty { return (frames, written) }  // all input went into the partial frame
            }
            // 3. Fast path: decrypt straight from the caller's bytes, keep only a trailing partial frame.
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let consumed = try decryptFrames(
                in: rest,
                into: UnsafeMutableRawBufferPointer(rebasing: output[written...])
            )
            inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[consumed.bytes...]))
            return (frames + consumed.frames, written + consumed.written)
        } catch {
            brokenReason = "\(error)"
            throw error
        }
    }

    /// Decrypts every complete frame at the front of `bytes` into `output` (which has room for their plaintext).
    private mutating func decryptFrames(
        in bytes: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws -> (frames: Int, bytes: Int, written: Int) {
        var offset = 0
        var frames = 0
        var written = 0
        while let length = try Self.frameLength(in: bytes, at: offset),
            bytes.count - offset - Self.lengthPrefix >= length
        {
            let body = UnsafeRawBufferPointer(
                rebasing: bytes[(offset + Self.lengthPrefix)..<(offset + Self.lengthPrefix + length)]
            )
            written += try receiver.open(body, into: UnsafeMutableRawBufferPointer(rebasing: output[written...]))
            offset += Self.lengthPrefix + length
            frames += 1
        }
        return (frames, offset, written)
    }

    // MARK: - Inbound, frame by frame

    /// Buffers received bytes for ``nextPlaintext()``.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when more than ``maximumBufferedByteCount`` bytes would be
    ///   held, `closed` after a fatal error.
    public mutating func feed(_ bytes: some ContiguousByteSource) throws {
        try checkUsable()
        try bytes.withUnsafeBytes { raw in
            guard bufferedByteCount + raw.count <= Self.maximumBufferedByteCount else {
                brokenReason = "inbound buffer limit exceeded"
                throw ShoalError(
                    .limitExceeded,
                    "Noise transport would buffer \(bufferedByteCount + raw.count) bytes, over \(Self.maximumBufferedByteCount)"
                )
            }
            compactInbound()
            inbound.append(contentsOf: raw)
        }
    }

    /// The plaintext of the next complete buffered frame, or nil when more bytes are needed.
    /// - Throws: see ``decrypt(_:appendingTo:)``.
    public mutating func nextPlaintext() throws -> [UInt8]? {
        try checkUsable()
        do {
            let length = try inbound.withUnsafeBytes { try Self.frameLength(in: $0, at: inboundStart) }
            guard let length, bufferedByteCount - Self.lengthPrefix >= length else { return nil }
            var out = [UInt8](repeating: 0, count: length - Self.tagLength)
            let bodyStart = inboundStart + Self.lengthPrefix
            // Work on the held bytes outside `self` (no copy, no overlapping access).
            var held: [UInt8] = []
            swap(&held, &inbound)
            defer { swap(&held, &inbound) }
            try held.withUnsafeBytes { buffered in
                try out.withUnsafeMutableBytes { o in
                    _ = try receiver.open(
                        UnsafeRawBufferPointer(rebasing: buffered[bodyStart..<(bodyStart + length)]),
                        into: o
                    )
                }
            }
            inboundStart = bodyStart + length
            if inboundStart == held.count {
                held.removeAll(keepingCapacity: true)
                inboundStart = 0
            }
            return out
        } catch {
            brokenReason = "\(error)"
            throw error
        }
    }

    // MARK: - Helpers

    /// The frame length at `offset`, nil if the two length bytes have not arrived.
    private static func frameLength(in bytes: UnsafeRawBufferPointer, at offset: Int) throws -> Int? {
        guard bytes.count - offset >= lengthPrefix else { return nil }
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        guard length >= minimumFrameLength else {
            throw ShoalError(
                .malformedInput,
                "Noise transport frame of \(length) bytes is shorter than the \(minimumFrameLength)-byte tag"
            )
        }
        return length
    }

    private mutating func compactInbound() {
        if inboundStart == inbound.count {
            inbound.removeAll(keepingCapacity: true)
            inboundStart = 0
        } else if inboundStart > 0 && inboundStart >= inbound.count / 2 {
            inbound.removeSubrange(0..<inboundStart)
            inboundStart = 0
        }
    }

    private func checkUsable() throws {
        if let brokenReason {
            throw ShoalError(.closed, "Noise transport is unusable after a fatal error: \(brokenReason)")
        }
    }
}
