/// PLAIN encoding of the non-null values of a row range, appended to a page body.
enum PlainEncoder {
    /// Appends the PLAIN bytes of rows `rows` of `values`, skipping rows where `validity` is false.
    /// List columns append their elements (FLOAT).
    static func encode(
        _ values: ParquetColumnValues,
        validity: [Bool]?,
        rows: Range<Int>,
        into out: inout [UInt8]
    ) {
        @inline(__always) func valid(_ i: Int) -> Bool { validity?[i] ?? true }
        switch values {
        case .boolean(let v):
            var byte: UInt8 = 0
            var bit = 0
            for i in rows where valid(i) {
                if v[i] { byte |= 1 << UInt8(bit) }
                bit += 1
                if bit == 8 {
                    out.append(byte)
                    byte = 0
                    bit = 0
                }
            }
            if bit > 0 { out.append(byte) }
        case .int32(let v): appendFixed(v, validity, rows, &out)
        case .int64(let v): appendFixed(v, validity, rows, &out)
        case .float(let v): appendFixed(v, validity, rows, &out)
        case .double(let v): appendFixed(v, validity, rows, &out)
        case .string(let v):
            for i in rows where valid(i) {
                var s = v[i]
                s.withUTF8 { utf8 in
                    appendLength(utf8.count, &out)
                    out.append(contentsOf: utf8)
                }
            }
        case .binary(let v):
            for i in rows where valid(i) {
                appendLength(v[i].count, &out)
                out.append(contentsOf: v[i])
            }
        case .floatList(let v):
            for i in rows where valid(i) {
                v[i].withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
    }

    /// Appends FIXED_LEN_BYTE_ARRAY values (no length prefixes) of the valid rows in `rows`.
    static func encodeFixedBinary(_ v: [[UInt8]], validity: [Bool]?, rows: Range<Int>, into out: inout [UInt8]) {
        for i in rows where validity?[i] ?? true {
            out.append(contentsOf: v[i])
        }
    }

    @inline(__always)
    private static func appendLength(_ n: Int, _ out: inout [UInt8]) {
        let n = UInt32(truncatingIfNeeded: n)
        out.append(UInt8(n & 0xFF))
        out.append(UInt8((n >> 8) & 0xFF))
        out.append(UInt8((n >> 16) & 0xFF))
        out.append(UInt8(n >> 24))
    }

    private static func appendFixed<T: BitwiseCopyable>(
        _ v: [T],
        _ validity: [Bool]?,
        _ rows: Range<Int>,
        _ out: inout [UInt8]
    ) {
        if validity == nil {
            v.withUnsafeBytes { raw in
                let size = MemoryLayout<T>.size
                out.append(contentsOf: raw[(rows.lowerBound * size)..<(rows.upperBound * size)])
            }
            return
        }
        for i in rows where validity![i] {
            withUnsafeBytes(of: v[i]) { out.append(contentsOf: $0) }
        }
    }
}
