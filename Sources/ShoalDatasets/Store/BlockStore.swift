import ShoalCore
public import ShoalMultiformats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A content-addressed block store on local disk.
///
/// Layout under the root directory: `blocks/XY/<cid>` where `<cid>` is the base32 CIDv1 text and `XY` its two
/// characters before the last one (the "next-to-last/2" sharding of go-ipfs's flatfs, which spreads blocks evenly
/// over 1,024 directories), and `tmp/` for writes in progress. ``put(_:)`` writes to a temporary file, fsyncs it,
/// renames it into place and fsyncs the directory, so a block is either absent or complete. ``get(_:)`` re-hashes
/// what it reads: a corrupted block is reported, never returned.
public struct BlockStore: Sendable {
    /// Largest block accepted by ``put(_:)`` and read by ``get(_:)`` (1 GiB).
    public static let maximumBlockSize = 1 << 30

    /// The root directory.
    public let root: String

    /// Opens (creating if needed) a store at `root`.
    /// - Throws: `ShoalError` `.io` when the directories cannot be created.
    public init(root: String) throws {
        self.root = root
        for dir in [root, root + "/blocks", root + "/tmp"] { try Self.makeDirectory(dir) }
    }

    // MARK: - Blocks

    /// Stores `bytes` and returns their raw CIDv1 (storing the same bytes twice is a no-op).
    /// - Throws: `ShoalError` `.io` when writing fails, `.limitExceeded` over ``maximumBlockSize``.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws -> CID {
        guard bytes.count <= Self.maximumBlockSize else {
            throw ShoalError(.limitExceeded, "block of \(bytes.count) bytes exceeds \(Self.maximumBlockSize)")
        }
        let cid = ContentID.of(bytes)
        if has(cid) { return cid }
        let dir = directory(for: cid)
        try Self.makeDirectory(dir)
        var template = Array((root + "/tmp/put-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Self.ioError("create a temporary file in \(root)/tmp") }
        let tmpPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(tmpPath) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                throw Self.ioError("write \(tmpPath)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw Self.ioError("fsync \(tmpPath)")
        }
        close(fd)
        let finalPath = path(for: cid)
        guard rename(tmpPath, finalPath) == 0 else { throw Self.ioError("rename to \(finalPath)") }
        ok = true
        let dirFD = open(dir, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        return cid
    }

    /// The bytes of `cid`, checked against its hash, or nil when the store does not have it.
    /// - Throws: `ShoalError` `.malformedInput` ("block … is corrupted") when the bytes do not hash to `cid`,
    ///   `.unsupported` for a CID whose hash is not sha2-256, `.io` on read errors.
    public func get(_ cid: CID) throws -> [UInt8]? {
        guard cid.multihash.code == .sha2_256 else {
            throw ShoalError(.unsupported, "block store: CID \(cid) does not use sha2-256")
        }
        guard let bytes = try Self.readFile(path(for: cid), limit: Self.maximumBlockSize) else { return nil }
        guard ContentID.matches(cid, bytes) else {
            throw ShoalError(
                .malformedInput,
                "block \(cid) is corrupted: its \(bytes.count) bytes hash to \(ContentID.of(bytes))"
            )
        }
        return bytes
    }

    /// Whether the store has a file for `cid` (without verifying it).
    public func has(_ cid: CID) -> Bool {
        var info = stat()
        return stat(path(for: cid), &info) == 0
    }

    /// Deletes the block for `cid`, if present.
    /// - Returns: whether a block was removed.
    @discardableResult
    public func remove(_ cid: CID) -> Bool { unlink(path(for: cid)) == 0 }

    /// Every stored CID, sorted by text form. Files whose names are not CIDs are ignored.
    /// - Throws: `ShoalError` `.io` when a directory cannot be read.
    public func list() throws -> [CID] {
        try entries().map(\.cid).sorted { $0.string() < $1.string() }
    }

    /// The number of blocks and their total size in bytes.
    /// - Throws: `ShoalError` `.io` when a directory cannot be read.
    public func usage() throws -> (blocks: Int, bytes: Int) {
        let all = try entries()
        return (all.count, all.reduce(0) { $0 + $1.size })
    }

    /// The file path of `cid`'s block.
    public func path(for cid: CID) -> String { directory(for: cid) + "/" + cid.string() }

    // MARK: - Helpers

    private func directory(for cid: CID) -> String {
        let text = Array(cid.string().utf8)
        let shard = text.count >= 3 ? String(decoding: text[(text.count - 3)..<(text.count - 1)], as: UTF8.self) : "__"
        return root + "/blocks/" + shard
    }

    private func entries() throws -> [(cid: CID, size: Int)] {
        var out: [(CID, Int)] = []
        for dir in try Self.listDirectory(root + "/blocks") {
            let dirPath = root + "/blocks/" + dir
            for name in try Self.listDirectory(dirPath) {
                guard let cid = try? CID(name), cid.string() == name else { continue }
                var info = stat()
                guard stat(dirPath + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                out.append((cid, Int(info.st_size)))
            }
        }
        return out
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw ioError("create directory \(path)") }
    }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw ioError("read directory \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads a whole file; nil when it does not exist.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ioError("open \(path)")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ioError("read \(path)") }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            guard out.count <= limit else { throw ShoalError(.limitExceeded, "\(path) is larger than \(limit) bytes") }
        }
    }

    static func ioError(_ what: String) -> ShoalError {
        ShoalError(.io, "cannot \(what): \(String(cString: strerror(errno)))")
    }
}
