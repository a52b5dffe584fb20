import ShoalCore

#if _endian(big)
#error("ShoalParquet assumes a little-endian host")
#endif

/// Variable-length byte strings stored back to back: value `i` is `data[offsets[i]..<offsets[i + 1]]`.
struct ByteArrayBuffer: Sendable {
    var data: [UInt8] = []
    var offsets: [Int] = [0]

    /// Number of values.
    var count: Int { offsets.count - 1 }

    /// Appends one value.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    /// Appends value `index` of `other`.
    mutating func append(from other: ByteArrayBuffer, index: Int) {
        data.append(contentsOf: other.data[other.offsets[index]..<other.offsets[index + 1]])
        offsets.append(data.count)
    }
}

/// Decoded, non-null values of one leaf column, by physical type.
enum LeafValues: Sendable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case bytes(ByteArrayBuffer)

    /// An empty buffer for a physical type.
    init(physicalType: PhysicalType) {
        switch physicalType {
        case .boolean: self = .boolean([])
        case .int32: self = .int32([])
        case .int64: self = .int64([])
        case .float: self = .float([])
        case .double: self = .double([])
        case .byteArray, .fixedLenByteArray, .int96: self = .bytes(ByteArrayBuffer())
        }
    }

    /// Number of values.
    var count: Int {
        switch self {
        case .boolean(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .float(let v): return v.count
        case .double(let v): return v.count
        case .bytes(let v): return v.count
        }
    }

    // MARK: - Dictionary lookup

    /// Appends `dictionary[i]` for each index, checking every index.
    mutating func appendLookup(_ indices: [UInt32], dictionary: LeafValues, column: String) throws {
        let size = dictionary.count
        for i in indices where Int(i) >= size {
            throw ShoalError(.malformedInput, "column \(column): dictionary index \(i) beyond \(size) entries")
        }
        // Take the buffer out of `self` before appending, so it stays uniquely referenced (no copy per page).
        switch dictionary {
        case .boolean(let d):
            guard case .boolean(var v) = self else { throw mismatch(column) }
            self = .int32([])
            for i in indices { v.append(d[Int(i)]) }
            self = .boolean(v)
        case .int32(let d):
            guard case .int32(var v) = self else { throw mismatch(column) }
            self = .boolean([])
            for i in indices { v.append(d[Int(i)]) }
            self = .int32(v)
        case .int64(let d):
            guard case .int64(var v) = self else { throw mismatch(column) }
            self = .boolean([])
            for i in indices { v.append(d[Int(i)]) }
            self = .int64(v)
        case .float(let d):
            guard case .float(var v) = self else { throw mismatch(column) }
            self = .boolean([])
            for i in indices { v.append(d[Int(i)]) }
            self = .float(v)
        case .double(let d):
            guard case .double(var v) = self else { throw mismatch(column) }
            self = .boolean([])
            for i in indices { v.append(d[Int(i)]) }
            self = .double(v)
        case .bytes(let d):
            guard case .bytes(var v) = self else { throw mismatch(column) }
            self = .boolean([])
            for i in indices { v.append(from: d, index: Int(i)) }
            self = .bytes(v)
        }
    }
}

private func mismatch(_ column: String) -> ShoalError {
    ShoalError(.malformedInput, "column \(column): dictionary type differs from the column type")
}
