import ShoalCore

/// Thrift compact-protocol wire types (the low nibble of a field header).
enum ThriftType: UInt8, Sendable {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12
}

/// A bounded reader of the Thrift compact protocol, enough for Parquet metadata.
///
/// Every length is checked against the bytes that remain and against ``ParquetReadLimits``; nesting depth is
/// bounded. Malformed input throws ``ShoalError`` with code `.malformedInput` (or `.limitExceeded`).
struct ThriftCompactReader {
    // MARK: - State

    private let bytes: [UInt8]
    /// The index of the next byte to read.
    private(set) var position: Int
    private let end: Int
    private let limits: ParquetReadLimits
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0

    /// Creates a reader over `bytes[start..<end]`.
    init(bytes: [UInt8], start: Int, end: Int, limits: ParquetReadLimits) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.limits = limits
    }

    /// Bytes left to read.
    var remaining: Int { end - position }

    // MARK: - Structs

    /// Enters a struct: saves the field-id context and checks the nesting depth.
    mutating func beginStruct() throws {
        guard lastFieldIDs.count < limits.maxThriftDepth else {
            throw ShoalError(.limitExceeded, "Thrift nesting deeper than \(limits.maxThriftDepth)")
        }
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Leaves a struct (after its stop field was read).
    mutating func endStruct() {
        lastFieldID = lastFieldIDs.popLast() ?? 0
    }

    /// Reads a field header; returns nil at the struct's stop byte.
    mutating func readFieldHeader() throws -> (id: Int16, type: ThriftType)? {
        let byte = try readByte()
        if byte == 0 { return nil }
        guard let type = ThriftType(rawValue: byte & 0x0F), type != .stop else {
            throw ShoalError(.malformedInput, "Thrift: unknown field type \(byte & 0x0F)")
        }
        let delta = Int16(byte >> 4)
        if delta != 0 {
            let (sum, overflow) = lastFieldID.addingReportingOverflow(delta)
            guard !overflow else { throw ShoalError(.malformedInput, "Thrift: field id overflow") }
            lastFieldID = sum
        } else {
            let raw = try readZigZag()
            guard let id = Int16(exactly: raw) else {
                throw ShoalError(.malformedInput, "Thrift: field id \(raw) out of range")
            }
            lastFieldID = id
        }
        return (lastFieldID, type)
    }

    /// Reads a struct with `body`, which is called once per field and must consume or skip the field's value.
    mutating func readStruct(_ body: (inout ThriftCompactReader, Int16, ThriftType) throws -> Void) throws {
        try beginStruct()
        while let (id, type) = try readFieldHeader() {
            try body(&self, id, type)
        }
        endStruct()
    }

    // MARK: - Scalars

    /// Reads one raw byte.
    mutating func readByte() throws -> UInt8 {
        guard position < end else { throw ShoalError(.malformedInput, "Thrift: truncated input") }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63 && byte > 1 { throw ShoalError(.malformedInput, "Thrift: varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ShoalError(.malformedInput, "Thrift: varint longer than 10 bytes") }
        }
    }

    /// Reads a zigzag varint.
    mutating func readZigZag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads an i32 field value, checking that the wire type is an integer type.
    mutating func readI32(_ type: ThriftType) throws -> Int32 {
        let value = try readInteger(type)
        guard let narrow = Int32(exactly: value) else {
            throw ShoalError(.malformedInput, "Thrift: i32 value \(value) out of range")
        }
        return narrow
    }

    /// Reads an i64 (or narrower integer) field value.
    mutating func readI64(_ type: ThriftType) throws -> Int64 {
        try readInteger(type)
    }

    private mutating func readInteger(_ type: ThriftType) throws -> Int64 {
        switch type {
        case .byte: return Int64(Int8(bitPattern: try readByte()))
        case .i16, .i32, .i64: return try readZigZag()
        default: throw ShoalError(.malformedInput, "Thrift: expected an integer, found type \(type)")
        }
    }

    /// Reads a bool field value (carried in the field header's type nibble).
    func readBool(_ type: ThriftType) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw ShoalError(.malformedInput, "Thrift: expected a bool, found type \(type)")
        }
    }

    /// Reads a length-prefixed binary value.
    mutating func readBinary(_ type: ThriftType) throws -> [UInt8] {
        guard type == .binary else {
            throw ShoalError(.malformedInput, "Thrift: expected binary, found type \(type)")
        }
        let length = try readLength(limit: limits.maxThriftBinaryLength, what: "binary")
        defer { position += length }
        return Array(bytes[position..<position + length])
    }

    /// Reads a UTF-8 string value (invalid UTF-8 is repaired with replacement characters).
    mutating func readString(_ type: ThriftType) throws -> String {
        String(decoding: try readBinary(type), as: UTF8.self)
    }

    private mutating func readLength(limit: Int, what: String) throws -> Int {
        let raw = try readVarint()
        guard raw <= UInt64(limit) else {
            throw ShoalError(.limitExceeded, "Thrift: \(what) length \(raw) exceeds \(limit)")
        }
        guard raw <= UInt64(remaining) else {
            throw ShoalError(.malformedInput, "Thrift: \(what) length \(raw) exceeds the \(remaining) bytes left")
        }
        return Int(raw)
    }

    // MARK: - Collections

    /// Reads a list (or set) header: element type and count, bounded by the remaining bytes.
    mutating func readListHeader(_ type: ThriftType) throws -> (elementType: ThriftType, count: Int) {
        guard type == .list || type == .set else {
            throw ShoalError(.malformedInput, "Thrift: expected a list, found type \(type)")
        }
        let header = try readByte()
        var count = Int(header >> 4)
        if count == 15 {
            count = try readLength(limit: limits.maxThriftCollectionSize, what: "list")
        }
        // Some writers (fastparquet) emit empty lists with element type 0; the type only matters with elements.
        if count == 0 { return (.byte, 0) }
        guard let elementType = ThriftType(rawValue: header & 0x0F), elementType != .stop else {
            throw ShoalError(.malformedInput, "Thrift: unknown list element type \(header & 0x0F)")
        }
        // Every element takes at least one byte, so a count beyond the remaining bytes is malformed.
        guard count <= remaining else {
            throw ShoalError(.malformedInput, "Thrift: list of \(count) elements exceeds the \(remaining) bytes left")
        }
        return (elementType, count)
    }

    /// Reads a list of elements with `element`.
    mutating func readList<T>(
        _ type: ThriftType,
        _ element: (inout ThriftCompactReader, ThriftType) throws -> T
    ) throws -> [T] {
        let (elementType, count) = try readListHeader(type)
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(try element(&self, elementType))
        }
        return result
    }

    // MARK: - Skipping

    /// Skips a value of the given type, recursing into containers with a depth bound.
    mutating func skip(_ type: ThriftType) throws {
        try skip(type, depth: 0, inCollection: false)
    }

    private mutating func skip(_ type: ThriftType, depth: Int, inCollection: Bool) throws {
        guard depth + lastFieldIDs.count < limits.maxThriftDepth else {
            throw ShoalError(.limitExceeded, "Thrift nesting deeper than \(limits.maxThriftDepth)")
        }
        switch type {
        case .stop: throw ShoalError(.malformedInput, "Thrift: unexpected stop type")
        case .boolTrue, .boolFalse:
            // In a collection a bool is one byte; as a field its value is in the header.
            if inCollection { _ = try readByte() }
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(8)
        case .binary: try advance(try readLength(limit: limits.maxThriftBinaryLength, what: "binary"))
        case .list, .set:
            let (elementType, count) = try readListHeader(type)
            for _ in 0..<count { try skip(elementType, depth: depth + 1, inCollection: true) }
        case .map:
            let count = try readLength(limit: limits.maxThriftCollectionSize, what: "map")
            if count > 0 {
                let kinds = try readByte()
                guard let key = ThriftType(rawValue: kinds >> 4), let value = ThriftType(rawValue: kinds & 0x0F),
                    key != .stop, value != .stop
                else { throw ShoalError(.malformedInput, "Thrift: bad map element types \(kinds)") }
                for _ in 0..<count {
                    try skip(key, depth: depth + 1, inCollection: true)
                    try skip(value, depth: depth + 1, inCollection: true)
                }
            }
        case .struct:
            try beginStruct()
            while let (_, fieldType) = try readFieldHeader() {
                try skip(fieldType, depth: depth + 1, inCollection: false)
            }
            endStruct()
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count <= remaining else { throw ShoalError(.malformedInput, "Thrift: truncated input") }
        position += count
    }
}
