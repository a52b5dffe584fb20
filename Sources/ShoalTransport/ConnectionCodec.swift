import NIOCore
import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Synchronization

/// The sending half of an established connection's framing: Noise transport frames, optionally inside the pnet
/// XSalsa20 stream. Owned by the connection's ``ChannelSink`` and used by one flushing caller at a time, outside the
/// connection's lock.
struct ConnectionSealer: Sendable {
    // A copy of the handshake's transport; only its sending cipher state is used (and advanced) here.
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    /// Seals `plaintext` into a new buffer from `allocator`: the frames are encrypted straight into the buffer's
    /// storage (no intermediate copy), and the pnet stream, if any, is applied in place.
    mutating func seal(_ plaintext: [UInt8], allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let total = NoiseTransport.sealedLength(plaintextLength: plaintext.count)
        var buffer = allocator.buffer(capacity: total)
        try plaintext.withUnsafeBytes { p in
            _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                let written = try noise.encrypt(p, into: out)
                if privateNetwork != nil {
                    privateNetwork!.encryptInPlace(UnsafeMutableRawBufferPointer(rebasing: out[0..<written]))
                }
                return written
            }
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

    /// Decrypts the frames `buffer` completes and appends their plaintext to `plaintext`, reading the socket's
    /// buffer in place (no copy) unless the network is private.
    mutating func open(_ buffer: ByteBuffer, appendingTo plaintext: inout [UInt8]) throws {
        if privateNetwork != nil {
            let clear = buffer.withUnsafeReadableBytes { privateNetwork!.decrypt($0) }
            try noise.decrypt(clear, appendingTo: &plaintext)
            return
        }
        plaintext.reserveCapacity(plaintext.count + noise.bufferedByteCount + buffer.readableBytes)
        try buffer.withUnsafeReadableBytes { raw in
            _ = try noise.decrypt(raw, appendingTo: &plaintext)
        }
    }
}

/// Where a ``MuxedConnection`` sends its plaintext output: called by one caller at a time, in order.
protocol ConnectionSink: Sendable {
    /// Seals one batch and queues it on the socket.
    /// - Returns: the error that makes the connection unable to write, if any.
    func send(_ plaintext: [UInt8]) -> (any Error)?
    /// Closes the socket once everything sent so far has been written.
    func finish()
}

/// The NIO socket as a connection's sink: the caller that flushes seals the batch in its own task, and the
/// ciphertext is written on the channel's event loop (always through its task queue, so writes keep their order
/// whichever thread queued them). No task per connection waits for output.
final class ChannelSink: ConnectionSink {
    private let channel: any Channel
    private let sealer: Mutex<ConnectionSealer>

    init(channel: any Channel, sealer: ConnectionSealer) {
        self.channel = channel
        self.sealer = Mutex(sealer)
    }

    func send(_ plaintext: [UInt8]) -> (any Error)? {
        let channel = self.channel
        let buffer: ByteBuffer
        do { buffer = try sealer.withLock { try $0.seal(plaintext, allocator: channel.allocator) } } catch {
            return error
        }
        channel.eventLoop.execute { channel.writeAndFlush(buffer, promise: nil) }
        return nil
    }

    func finish() {
        let channel = self.channel
        channel.eventLoop.execute {
            // Writes complete in order: once this empty one has, everything before it is on the wire.
            channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }
}
