import ShoalCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to the bytes of a Parquet file, so that a reader can fetch the footer and then one column chunk
/// at a time instead of holding the whole file.
public protocol ParquetByteSource {
    /// The file's size in bytes.
    var size: Int { get }
    /// Reads exactly `count` bytes at `offset`.
    /// - Throws: `ShoalError` `.io` when the read fails, `.malformedInput` when the range lies outside the file.
    func read(offset: Int, count: Int) throws -> [UInt8]
}

/// A Parquet file held in memory.
public struct ParquetMemorySource: ParquetByteSource, Sendable {
    /// The file.
    public let bytes: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The file's size.
    public var size: Int { bytes.count }

    /// Copies `bytes[offset..<offset + count]`.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ShoalError(
                .malformedInput,
                "Parquet range \(offset)+\(count) lies outside the \(bytes.count)-byte file"
            )
        }
        return Array(bytes[offset..<(offset + count)])
    }
}

/// A Parquet file on disk, read with `pread(2)`; the descriptor is closed when the source is released.
public final class ParquetFileSource: ParquetByteSource {
    private let fd: Int32
    /// The path, for error messages.
    public let path: String
    /// The file's size when it was opened.
    public let size: Int

    /// Opens `path` for reading.
    /// - Throws: `ShoalError` `.io` naming the file when it cannot be opened or is not a regular file.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ShoalError(.io, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ShoalError(.io, "\(path): not a regular file")
        }
        self.fd = fd
        self.path = path
        self.size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Reads `count` bytes at `offset`, retrying short reads.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else {
            throw ShoalError(.malformedInput, "\(path): range \(offset)+\(count) lies outside the \(size)-byte file")
        }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let reason = n == 0 ? "unexpected end of file" : String(cString: strerror(errno))
                    throw ShoalError(.io, "\(path): read at \(offset + done) failed: \(reason)")
                }
                done += n
            }
        }
        return out
    }
}
