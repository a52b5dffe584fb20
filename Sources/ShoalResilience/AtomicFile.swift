import Foundation
import ShoalCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable whole-file writes: write a temporary file, fsync it, rename it over the target, fsync the directory.
///
/// A crash at any point leaves either the old file or the new one, never a mix.
enum AtomicFile {
    /// Writes `data` to `path` atomically and durably.
    static func write(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw posixError("cannot create \(temporary)") }
        do {
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw posixError("cannot write \(temporary)")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw posixError("cannot fsync \(temporary)") }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = posixError("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        let dirFD = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw posixError("cannot open directory \(directory)") }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw posixError("cannot fsync directory \(directory)") }
    }

    /// Reads a whole file of at most `maximumSize` bytes; nil when it does not exist.
    static func read(_ path: String, maximumSize: Int) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maximumSize {
            throw ShoalError(.limitExceeded, "\(path) is \(size) bytes, more than \(maximumSize)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShoalError(.io, "cannot read \(path)")
        }
        return data
    }

    private static func posixError(_ message: String) -> ShoalError {
        ShoalError(.io, "\(message): \(String(cString: strerror(errno)))")
    }
}
