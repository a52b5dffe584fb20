import ShoalCore

/// The versioned binary file format of an ``HNSWIndex`` (the graph only; the vectors come from the shard).
///
/// All integers little-endian:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `SHOALHNS` |
/// | 8 | 2 | format version (1) |
/// | 10 | 1 | metric (0 cosine, 1 dot, 2 l2) |
/// | 11 | 1 | reserved (0) |
/// | 12 | 4 | dimension |
/// | 16 | 4 | count (nodes) |
/// | 20 | 4 | M |
/// | 24 | 4 | efConstruction |
/// | 28 | 4 | ef |
/// | 32 | 8 | seed |
/// | 40 | 4 | max level |
/// | 44 | 4 | entry node (-1 when empty) |
/// | 48 | 2 + n | key length and UTF-8 key (what the index belongs to, e.g. `<shard CID>/<column>`) |
/// | … | | per node: level (1 byte), then for each level 0…level a link count (2 bytes) and that many rows (4 bytes) |
/// | end − 4 | 4 | CRC-32 of every byte before it |
///
/// The decoder checks the magic, version, every count against its bound (``maximumCount``, ``maximumKeyLength``,
/// ``HNSWIndex/maximumLevel``, `2M`/`M` links), every row against the count, the key, the dimension and metric
/// against the vectors, the checksum, and that no bytes are left over.
public enum HNSWIndexCodec {
    /// The magic bytes.
    public static let magic: [UInt8] = Array("SHOALHNS".utf8)
    /// The format version written.
    public static let version: UInt16 = 1
    /// Most nodes in one index.
    public static let maximumCount = 1 << 26
    /// Longest key in bytes.
    public static let maximumKeyLength = 1024

    /// The encoded bytes of `index`, bound to `key`.
    public static func encode(_ index: HNSWIndex, key: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + index.count * (2 * index.parameters.m * 4 + 4))
        out += magic
        put16(&out, version)
        out.append(metricCode(index.vectors.metric))
        out.append(0)
        put32(&out, UInt32(index.vectors.dimension))
        put32(&out, UInt32(index.count))
        put32(&out, UInt32(index.parameters.m))
        put32(&out, UInt32(index.parameters.efConstruction))
        put32(&out, UInt32(index.parameters.ef))
        put64(&out, index.parameters.seed)
        put32(&out, UInt32(index.maxLevel))
        put32(&out, UInt32(bitPattern: index.entryPoint))
        let keyBytes = Array(key.utf8.prefix(maximumKeyLength))
        put16(&out, UInt16(keyBytes.count))
        out += keyBytes
        for node in 0..<index.count {
            let level = Int(index.levels[node])
            out.append(UInt8(level))
            for lc in 0...level {
                let list = index.neighbours(Int32(node), lc)
                put16(&out, UInt16(list.count))
                for n in list { put32(&out, UInt32(bitPattern: n)) }
            }
        }
        put32(&out, CRC32.checksum(out))
        return out
    }

    /// Decodes an index over `vectors`.
    /// - Parameters:
    ///   - bytes: the file.
    ///   - vectors: the vectors it indexes (dimension, metric and count must match).
    ///   - key: the key it must carry.
    /// - Throws: `ShoalError` `.malformedInput` naming the first check that fails.
    public static func decode(_ bytes: [UInt8], vectors: VectorMatrix, key: String) throws -> HNSWIndex {
        guard bytes.count >= 54 else { throw bad("file of \(bytes.count) bytes is too short") }
        let body = bytes[0..<(bytes.count - 4)]
        var trailer = Reader(bytes: bytes, offset: bytes.count - 4)
        guard try trailer.u32() == CRC32.checksum(body) else { throw bad("checksum mismatch") }
        var r = Reader(bytes: bytes, offset: 0)
        guard try r.take(8) == magic[...] else { throw bad("bad magic") }
        let fileVersion = try r.u16()
        guard fileVersion == version else { throw bad("unsupported version \(fileVersion)") }
        guard let metric = metric(try r.u8()), metric == vectors.metric else { throw bad("metric does not match") }
        _ = try r.u8()
        guard Int(try r.u32()) == vectors.dimension else { throw bad("dimension does not match") }
        let count = Int(try r.u32())
        guard count <= maximumCount, count == vectors.count else { throw bad("count \(count) does not match") }
        let m = Int(try r.u32())
        let efConstruction = Int(try r.u32())
        let ef = Int(try r.u32())
        let parameters = HNSWParameters(m: m, efConstruction: efConstruction, ef: ef, seed: try r.u64())
        do { try parameters.validate() } catch { throw bad("parameters out of range") }
        let maxLevel = Int(try r.u32())
        let entry = Int32(bitPattern: try r.u32())
        guard maxLevel <= HNSWIndex.maximumLevel else { throw bad("max level \(maxLevel) out of range") }
        guard (count == 0 && entry == -1) || (entry >= 0 && Int(entry) < count) else { throw bad("bad entry node") }
        let keyLength = Int(try r.u16())
        guard keyLength <= maximumKeyLength else { throw bad("key of \(keyLength) bytes") }
        guard try r.take(keyLength).elementsEqual(key.utf8.prefix(maximumKeyLength)) else {
            throw bad("index belongs to another shard or column")
        }
        let stride0 = 2 * m + 1
        let strideUpper = m + 1
        var levels = [UInt8](repeating: 0, count: count)
        var links0 = [Int32](repeating: 0, count: count * stride0)
        var upper = [[Int32]](repeating: [], count: count)
        for node in 0..<count {
            let level = Int(try r.u8())
            guard level <= maxLevel else { throw bad("node \(node) level \(level) above max level") }
            levels[node] = UInt8(level)
            if level > 0 { upper[node] = [Int32](repeating: 0, count: level * strideUpper) }
            for lc in 0...level {
                let n = Int(try r.u16())
                let capacity = lc == 0 ? 2 * m : m
                guard n <= capacity else { throw bad("node \(node) has \(n) links on level \(lc)") }
                let start = lc == 0 ? node * stride0 : (lc - 1) * strideUpper
                if lc == 0 { links0[start] = Int32(n) } else { upper[node][start] = Int32(n) }
                for j in 0..<n {
                    let row = Int32(bitPattern: try r.u32())
                    guard row >= 0, Int(row) < count else { throw bad("node \(node) links to row \(row)") }
                    if lc == 0 { links0[start + 1 + j] = row } else { upper[node][start + 1 + j] = row }
                }
            }
        }
        guard count == 0 || Int(levels[Int(entry)]) == maxLevel else { throw bad("entry node is not on max level") }
        guard r.offset == bytes.count - 4 else { throw bad("\(bytes.count - 4 - r.offset) trailing bytes") }
        return HNSWIndex(
            parameters: parameters,
            vectors: vectors,
            levels: levels,
            links0: links0,
            upper: upper,
            entryPoint: entry,
            maxLevel: maxLevel
        )
    }

    // MARK: - Helpers

    static func bad(_ what: String) -> ShoalError { ShoalError(.malformedInput, "hnsw index file: \(what)") }

    static func metricCode(_ metric: VectorMetric) -> UInt8 {
        switch metric {
        case .cosine: return 0
        case .dot: return 1
        case .l2: return 2
        }
    }

    static func metric(_ code: UInt8) -> VectorMetric? {
        switch code {
        case 0: return .cosine
        case 1: return .dot
        case 2: return .l2
        default: return nil
        }
    }

    static func put16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func put32(_ out: inout [UInt8], _ v: UInt32) { for i in 0..<4 { out.append(UInt8((v >> (8 * i)) & 0xFF)) } }
    static func put64(_ out: inout [UInt8], _ v: UInt64) { for i in 0..<8 { out.append(UInt8((v >> (8 * i)) & 0xFF)) } }

    /// A bounds-checked little-endian reader.
    struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count - offset else { throw bad("truncated at byte \(offset)") }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }

        mutating func u8() throws -> UInt8 { try take(1).first! }

        mutating func u16() throws -> UInt16 {
            let s = try take(2)
            return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
        }

        mutating func u32() throws -> UInt32 {
            try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }

        mutating func u64() throws -> UInt64 {
            try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }
}
