internal import ShoalCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing identity key files: the `PrivateKey` protobuf, as go-libp2p and kubo store it.
///
/// Files are written atomically (a temporary file with mode 0600 in the same folder, fsync, rename), so a crash
/// never leaves half a key, and the key is never readable by other users, not even for a moment.
public enum KeyFile {
    /// The largest key file read.
    public static let maximumSize = 8192

    /// Writes `key` to `path` with mode 0600, replacing any file there.
    /// - Throws: ``ShoalError`` with code `io` naming the path and the system error.
    public static func write(_ key: PrivateKey, to path: String) throws {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw systemError("cannot create", temp) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        try key.protobufBytes.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = writeFD(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    close(fd)
                    throw systemError("cannot write", temp)
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw systemError("cannot sync", temp)
        }
        close(fd)
        guard rename(temp, path) == 0 else { throw systemError("cannot rename to", path) }
        ok = true
    }

    /// Reads the key at `path`.
    /// - Throws: ``ShoalError`` with code `io` if the file cannot be read, or the key decoding errors.
    public static func read(from path: String) throws -> PrivateKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw systemError("cannot open", path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: maximumSize + 1)
        defer { for i in buffer.indices { buffer[i] = 0 } }
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { readFD(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw systemError("cannot read", path)
            }
            if n == 0 { break }
            total += n
        }
        guard total <= maximumSize else {
            throw ShoalError(.io, "key file \(path) is larger than \(maximumSize) bytes")
        }
        do {
            return try PrivateKey(protobufBytes: Array(buffer[0..<total]))
        } catch let error as ShoalError {
            throw ShoalError(error.code, "key file \(path): \(error.message)", cause: error.cause)
        }
    }

    private static func systemError(_ what: String, _ path: String) -> ShoalError {
        ShoalError(.io, "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}

#if canImport(Glibc)
private let writeFD = Glibc.write
private let readFD = Glibc.read
#elseif canImport(Darwin)
private let writeFD = Darwin.write
private let readFD = Darwin.read
#endif
