import Logging
public import ShoalCore
import ShoalTransport

/// The perf protocol (`/perf/1.0.0`, libp2p/specs perf/perf.md): the client sends the 8-byte big-endian number of
/// bytes it wants back, uploads its bytes, half-closes; the server reads to the end, then sends the bytes asked for.
enum Perf {
    static let protocolID = "/perf/1.0.0"
    /// The bytes handed to each stream write: 256 KiB (four yamux frames) rather than 64 KiB cuts the per-write
    /// work (a lock round trip, a seal call, a hand-off to the event loop) by four; in `shoal bench transport` the
    /// user time outside the AEAD fell by about a sixth (profile samples, four pairs of runs).
    static let chunkSize = 256 * 1024
    /// The most a client may ask for (1 TiB).
    static let maximumDownload: UInt64 = 1 << 40
}

/// What one perf run measured.
public struct PerfResult: Sendable, Hashable, Codable {
    /// Bytes sent to the server.
    public var uploaded: UInt64
    /// Bytes received from the server.
    public var downloaded: UInt64
    /// Time from the stream being open to the last byte of the upload being written.
    public var uploadSeconds: Double
    /// Time from the end of the upload to the last downloaded byte.
    public var downloadSeconds: Double
    /// Time for the whole exchange, including opening the stream.
    public var totalSeconds: Double
}

extension P2PHost {
    func registerPerf() {
        // On the connection's event loop, like the other built-in protocols: the handler only reads and writes (and
        // yields the loop after each write), and a handler on the global pool costs a thread hand-off per read and
        // per write (the download ran on two pool threads besides the loops).
        registry.register(
            Perf.protocolID,
            options: ProtocolOptions(maximumInboundStreamsPerPeer: 16),
            onConnectionLoop: true
        ) { stream in
            try await Self.servePerf(stream)
        }
    }

    private static func servePerf(_ stream: ShoalStream) async throws {
        let header = try await stream.readExactly(8)
        let wanted = header.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard wanted <= Perf.maximumDownload else {
            throw ShoalError(.limitExceeded, "perf client asked for \(wanted) bytes")
        }
        while try await stream.readChunk(upTo: 1 << 20) != nil {}
        try await writeFilled(wanted, with: 0, to: stream)
    }

    /// Writes `count` bytes of `byte`, a ``Perf/chunkSize`` chunk at a time.
    private static func writeFilled(_ count: UInt64, with byte: UInt8, to stream: ShoalStream) async throws {
        let chunk = [UInt8](repeating: byte, count: Perf.chunkSize)
        var left = count
        while left > 0 {
            let n = Int(min(left, UInt64(Perf.chunkSize)))
            try await stream.write(n == chunk.count ? chunk : Array(chunk[0..<n]))
            left -= UInt64(n)
            // A write that fits the window does not suspend: let the event loop serve its other sockets.
            await Task.yield()
        }
    }

    /// Runs the perf protocol against `peer`: uploads `upload` bytes and downloads `download` bytes on one stream.
    public func perf(_ peer: PeerID, upload: UInt64, download: UInt64) async throws -> PerfResult {
        let clock = ContinuousClock()
        let start = clock.now
        let stream = try await newStream(to: peer, protocols: [Perf.protocolID])
        guard let executor = stream.connection.executor else {
            return try await Self.runPerf(stream, upload: upload, download: download, clock: clock, start: start)
        }
        // On the connection's event loop, as the server's handler: perf only moves bytes, and a read then resumes
        // on the thread that decrypted it, a write seals where its output is queued (no thread hand-off each).
        return try await withTaskExecutorPreference(executor) {
            try await Self.runPerf(stream, upload: upload, download: download, clock: clock, start: start)
        }
    }

    private static func runPerf(
        _ stream: ShoalStream,
        upload: UInt64,
        download: UInt64,
        clock: ContinuousClock,
        start: ContinuousClock.Instant
    ) async throws -> PerfResult {
        var header: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) {
            header.append(UInt8(truncatingIfNeeded: download >> UInt64(shift)))
        }
        try await stream.write(header)
        try await writeFilled(upload, with: 0x5a, to: stream)
        stream.closeWrite()
        let uploaded = clock.now
        var received: UInt64 = 0
        while let bytes = try await stream.readChunk(upTo: 1 << 20) {
            received += UInt64(bytes.count)
            guard received <= download else {
                stream.reset()
                throw ShoalError(.protocolViolation, "perf server sent more than the \(download) bytes asked for")
            }
        }
        guard received == download else {
            throw ShoalError(.protocolViolation, "perf server sent \(received) of \(download) bytes")
        }
        let end = clock.now
        return PerfResult(
            uploaded: upload,
            downloaded: received,
            uploadSeconds: (uploaded - start).seconds,
            downloadSeconds: (end - uploaded).seconds,
            totalSeconds: (end - start).seconds
        )
    }

    func registerBuiltInProtocols() {
        registerIdentify()
        registerPing()
        registerPerf()
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
