import ShoalCore

/// PLAIN decoding of `count` values of one physical type, appending to a ``LeafValues`` buffer.
enum PlainDecoder {
    /// Decodes `count` values from `bytes[start..<end]`.
    /// - Parameters:
    ///   - typeLength: the FIXED_LEN_BYTE_ARRAY width (ignored for other types).
    /// - Returns: the position after the last value.
    @discardableResult
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        start: Int,
        end: Int,
        count: Int,
        physicalType: PhysicalType,
        typeLength: Int,
        column: String,
        into values: inout LeafValues
    ) throws -> Int {
        let available = end - start
        func need(_ width: Int) throws {
            guard count <= available / max(width, 1) else {
                throw ShoalError(
                    .malformedInput,
                    "column \(column): \(count) PLAIN values do not fit in \(available) bytes"
                )
            }
        }
        // Take the buffer out of `values` before appending, so it stays uniquely referenced (no copy per page).
        switch physicalType {
        case .boolean:
            guard case .boolean(var v) = values else { throw mismatch(column) }
            guard count <= available * 8 else {
                throw ShoalError(
                    .malformedInput,
                    "column \(column): \(count) booleans do not fit in \(available) bytes"
                )
            }
            values = .int32([])
            v.reserveCapacity(v.count + count)
            for i in 0..<count { v.append(bytes[start + i >> 3] >> UInt8(i & 7) & 1 == 1) }
            values = .boolean(v)
            return start + (count + 7) / 8
        case .int32:
            guard case .int32(var v) = values else { throw mismatch(column) }
            try need(4)
            values = .boolean([])
            appendFixed(bytes, start, count, &v)
            values = .int32(v)
            return start + 4 * count
        case .int64:
            guard case .int64(var v) = values else { throw mismatch(column) }
            try need(8)
            values = .boolean([])
            appendFixed(bytes, start, count, &v)
            values = .int64(v)
            return start + 8 * count
        case .float:
            guard case .float(var v) = values else { throw mismatch(column) }
            try need(4)
            values = .boolean([])
            appendFixed(bytes, start, count, &v)
            values = .float(v)
            return start + 4 * count
        case .double:
            guard case .double(var v) = values else { throw mismatch(column) }
            try need(8)
            values = .boolean([])
            appendFixed(bytes, start, count, &v)
            values = .double(v)
            return start + 8 * count
        case .byteArray:
            guard case .bytes(var v) = values else { throw mismatch(column) }
            try need(4)
            values = .boolean([])
            var pos = start
            v.offsets.reserveCapacity(v.offsets.count + count)
            for _ in 0..<count {
                guard end - pos >= 4 else {
                    throw ShoalError(.malformedInput, "column \(column): truncated BYTE_ARRAY length")
                }
                let length = Int(
                    UInt32(bytes[pos]) | UInt32(bytes[pos + 1]) << 8 | UInt32(bytes[pos + 2]) << 16
                        | UInt32(bytes[pos + 3]) << 24
                )
                pos += 4
                guard end - pos >= length else {
                    throw ShoalError(
                        .malformedInput,
                        "column \(column): BYTE_ARRAY of \(length) bytes runs past the page"
                    )
                }
                v.append(UnsafeBufferPointer(rebasing: bytes[pos..<pos + length]))
                pos += length
            }
            values = .bytes(v)
            return pos
        case .fixedLenByteArray:
            guard case .bytes(var v) = values else { throw mismatch(column) }
            guard typeLength > 0 else { throw ShoalError(.malformedInput, "column \(column): bad type_length") }
            try need(typeLength)
            values = .boolean([])
            v.data.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<start + count * typeLength]))
            let base = v.offsets.last ?? 0
            for i in 1...max(count, 1) where count > 0 { v.offsets.append(base + i * typeLength) }
            values = .bytes(v)
            return start + count * typeLength
        case .int96:
            throw ShoalError(.unsupported, "column \(column): INT96 is not supported")
        }
    }

    private static func mismatch(_ column: String) -> ShoalError {
        ShoalError(.malformedInput, "column \(column): value buffer does not match the physical type")
    }

    private static func appendFixed<T: FixedWidthInteger>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ count: Int,
        _ v: inout [T]
    ) {
        // Copy rather than bind: the source bytes need not be aligned for T.
        guard count > 0 else { return }
        let old = v.count
        v.append(contentsOf: repeatElement(0, count: count))
        v.withUnsafeMutableBytes { dst in
            let size = MemoryLayout<T>.size
            (dst.baseAddress! + old * size).copyMemory(from: bytes.baseAddress! + start, byteCount: count * size)
        }
    }

    private static func appendFixed<T: BinaryFloatingPoint>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ count: Int,
        _ v: inout [T]
    ) {
        guard count > 0 else { return }
        let old = v.count
        v.append(contentsOf: repeatElement(0, count: count))
        v.withUnsafeMutableBytes { dst in
            let size = MemoryLayout<T>.size
            (dst.baseAddress! + old * size).copyMemory(from: bytes.baseAddress! + start, byteCount: count * size)
        }
    }
}
