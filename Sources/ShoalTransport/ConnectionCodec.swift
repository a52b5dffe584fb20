import NIOCore
import ShoalCore
import ShoalCrypto
import ShoalSecurity
import ShoalWire
import Synchronization

/// The sending half of an established connection's framing: Noise transport frames, optionally inside the pnet
/// XSalsa20 stream. Owned by the connection's ``ChannelSink`` and used by one flushing caller at a time, outside the
/// connection's lock.
struct ConnectionSealer: Sendable {
    // A copy of the handshake's transport; only its sending cipher state is used (and advanced) here.
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    /// Segments at least this large are sealed straight from their own memory; smaller ones (yamux headers, small
    /// payloads) are gathered into a frame of their own.
    static let directSealMinimum = YamuxOutput.inlineLimit

    /// Seals `output` into one new buffer from `allocator`, as Noise frames: a large segment (a payload the writer
    /// passed) is encrypted straight from the writer's array into the buffer, in frames of at most
    /// ``NoiseTransport/maximumPlaintextLength`` bytes (no copy of the payload at all); runs of small segments
    /// (yamux headers, control frames, small payloads) are copied into their place in the buffer and sealed there
    /// in place, as one frame. A Noise frame may hold any part of the yamux byte stream, so this costs only a
    /// frame's 18 bytes per header. The pnet stream, if any, is applied in place.
    mutating func seal(_ output: YamuxOutput, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let segments = output.segments
        // At most one frame per small run or segment plus one per full frame of plaintext.
        let frames = segments.count + output.count / NoiseTransport.maximumPlaintextLength + 1
        let bound = output.count + frames * NoiseTransport.frameOverhead
        var buffer = allocator.buffer(capacity: bound)
        _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            var written = 0
            var run = 0  // plaintext gathered for the frame that starts at `written`
            func sealRun() throws {
                guard run > 0 else { return }
                let frame = UnsafeMutableRawBufferPointer(rebasing: out[written...])
                written += try noise.sealFrameInPlace(frame, plaintextLength: run)
                run = 0
            }
            for segment in segments {
                if segment.count >= Self.directSealMinimum {
                    try sealRun()
                    written += try segment.withUnsafeBytes { source in
                        try noise.encrypt(source, into: UnsafeMutableRawBufferPointer(rebasing: out[written...]))
                    }
                    continue
                }
                if run + segment.count > NoiseTransport.maximumPlaintextLength { try sealRun() }
                segment.withUnsafeBytes { source in
                    let destination = out.baseAddress! + written + NoiseTransport.frameHeaderLength + run
                    destination.copyMemory(from: source.baseAddress!, byteCount: source.count)
                }
                run += segment.count
            }
            try sealRun()
            if privateNetwork != nil {
                privateNetwork!.encryptInPlace(UnsafeMutableRawBufferPointer(rebasing: out[0..<written]))
            }
            return written
        }
        return buffer
    }
}

/// The receiving half: owned by the connection's reader task alone.
struct ConnectionOpener: Sendable {
    // A copy of the handshake's transport (with any bytes that followed the handshake); only its receiving cipher
    // state is used here.
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    /// Decrypts the frames `buffer` completes, reading the socket's buffer in place (no copy) unless the network is
    /// private, into a new array's uninitialised storage (no zero fill).
    /// - Returns: the plaintext (empty when `buffer` completes no frame).
    mutating func open(_ buffer: ByteBuffer) throws -> [UInt8] {
        if privateNetwork != nil {
            let clear = buffer.withUnsafeReadableBytes { privateNetwork!.decrypt($0) }
            var plaintext: [UInt8] = []
            try noise.decrypt(clear, appendingTo: &plaintext)
            return plaintext
        }
        return try buffer.withUnsafeReadableBytes { raw in
            try [UInt8](unsafeUninitializedCapacity: noise.plaintextBound(adding: raw.count)) { out, count in
                count = 0
                count = try noise.decrypt(raw, into: UnsafeMutableRawBufferPointer(out)).bytes
            }
        }
    }
}

/// Where a ``MuxedConnection`` sends its plaintext output: called by one caller at a time, in order.
protocol ConnectionSink: Sendable {
    /// Seals plaintext frames (in order) and queues them on the socket.
    /// - Returns: the error that makes the connection unable to write, if any.
    func send(_ output: YamuxOutput) -> (any Error)?
    /// Closes the socket once everything sent so far has been written.
    func finish()
}

/// The NIO socket as a connection's sink: the caller that flushes seals the batch in its own task, and the
/// ciphertext is written on the channel's event loop. Batches sealed while the event loop has not yet written the
/// earlier ones are written together, with one flush (one `writev`, one wake-up of the loop). No task per
/// connection waits for output.
final class ChannelSink: ConnectionSink {
    private let channel: any Channel
    private let sealer: Mutex<ConnectionSealer>
    /// Sealed batches not yet handed to the channel, and whether the event loop has a drain queued. Bounded by the
    /// yamux windows: the connection only produces output the peer's windows allow (plus control frames).
    private let queue = Mutex<(buffers: [ByteBuffer], drainQueued: Bool)>(([], false))

    init(channel: any Channel, sealer: ConnectionSealer) {
        self.channel = channel
        self.sealer = Mutex(sealer)
    }

    func send(_ output: YamuxOutput) -> (any Error)? {
        let channel = self.channel
        let buffer: ByteBuffer
        do { buffer = try sealer.withLock { try $0.seal(output, allocator: channel.allocator) } } catch {
            return error
        }
        let queueDrain = queue.withLock { q in
            q.buffers.append(buffer)
            defer { q.drainQueued = true }
            return !q.drainQueued
        }
        if queueDrain { channel.eventLoop.execute { self.drain() } }
        return nil
    }

    func finish() {
        let channel = self.channel
        channel.eventLoop.execute {
            self.drain()
            // Writes complete in order: once this empty one has, everything before it is on the wire.
            channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// Writes every queued batch and flushes once (on the event loop).
    private func drain() {
        let buffers = queue.withLock { q in
            q.drainQueued = false
            var taken: [ByteBuffer] = []
            swap(&taken, &q.buffers)
            return taken
        }
        guard !buffers.isEmpty else { return }
        for buffer in buffers { channel.write(buffer, promise: nil) }
        channel.flush()
    }
}
