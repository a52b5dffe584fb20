import ShoalCore

// MARK: - ByteWriter

/// Appends big-endian fields to a byte array.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ v: UInt8) { bytes.append(v) }

    mutating func append(_ v: UInt16) {
        bytes.append(UInt8(v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    mutating func append(_ v: UInt32) {
        for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }

    mutating func append(_ v: UInt64) {
        for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }

    mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func append(_ node: SWIM.NodeID) {
        append(node.k0)
        append(node.k1)
        append(node.k2)
        append(node.k3)
        append(node.uid)
    }
}

// MARK: - ByteReader

/// Reads big-endian fields with bounds checks; every overrun throws `.malformedInput`.
struct ByteReader {
    let bytes: [UInt8]
    var index: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.index = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - index }

    mutating func need(_ n: Int, _ what: StaticString) throws {
        guard n >= 0, remaining >= n else {
            throw ShoalError(.malformedInput, "SWIM: truncated \(what): need \(n) bytes, \(remaining) left")
        }
    }

    mutating func u8(_ what: StaticString) throws -> UInt8 {
        try need(1, what)
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16(_ what: StaticString) throws -> UInt16 {
        try need(2, what)
        defer { index += 2 }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    mutating func u32(_ what: StaticString) throws -> UInt32 {
        try need(4, what)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[index + i]) }
        index += 4
        return v
    }

    mutating func u64(_ what: StaticString) throws -> UInt64 {
        try need(8, what)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[index + i]) }
        index += 8
        return v
    }

    mutating func take(_ n: Int, _ what: StaticString) throws -> [UInt8] {
        try need(n, what)
        defer { index += n }
        return Array(bytes[index..<index + n])
    }

    mutating func node(_ what: StaticString) throws -> SWIM.NodeID {
        try need(SWIM.NodeID.encodedByteCount, what)
        let key = bytes[index..<index + 32]
        index += 32
        let uid = try u64(what)
        return SWIM.NodeID(unchecked: key, uid: uid)
    }
}
