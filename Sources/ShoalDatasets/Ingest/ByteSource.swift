import ShoalCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sequential source of bytes for the ingest readers.
public protocol ByteSource {
    /// Reads up to `maximumCount` bytes; an empty result means the end of the input.
    /// - Throws: `ShoalError` `.io` when the underlying read fails.
    mutating func read(maximumCount: Int) throws -> [UInt8]
}

/// Bytes held in memory, handed out `chunkSize` bytes at a time (1 in tests that feed bytes one by one).
public struct MemoryByteSource: ByteSource, Sendable {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    /// Creates a source over `bytes`.
    /// - Parameters:
    ///   - bytes: the input.
    ///   - chunkSize: the most bytes one ``read(maximumCount:)`` returns (at least 1).
    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 16) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    /// Returns the next chunk.
    public mutating func read(maximumCount: Int) -> [UInt8] {
        let n = min(maximumCount, chunkSize, bytes.count - offset)
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }
}

/// A file read sequentially with `read(2)`; closed when the last copy is released.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    /// The path, for error messages.
    public let path: String

    /// Opens `path` for reading.
    /// - Throws: `ShoalError` `.io` naming the file when it cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ShoalError(.io, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Reads the next chunk (up to `maximumCount` bytes).
    public func read(maximumCount: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: maximumCount)
        while true {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maximumCount) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ShoalError(.io, "\(path): read failed: \(String(cString: strerror(errno)))") }
            out.removeSubrange(n...)
            return out
        }
    }
}
