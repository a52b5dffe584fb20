import ShoalCore

/// The RLE / bit-packed hybrid encoding used for levels, dictionary indices and RLE booleans.
///
/// A stream is a sequence of runs, each introduced by a ULEB128 header: `count << 1` for an RLE run (followed by
/// the value in `ceil(bitWidth / 8)` little-endian bytes) or `groups << 1 | 1` for a bit-packed run of
/// `groups * 8` values packed least-significant bit first.
enum RLEHybrid {
    // MARK: - Encoding

    /// Encodes `values` (each below `1 << bitWidth`) into runs; deterministic for a given input.
    static func encode(_ values: [UInt32], bitWidth: Int, into output: inout [UInt8]) {
        let byteWidth = (bitWidth + 7) / 8
        var i = 0
        let n = values.count
        while i < n {
            let run = runLength(values, at: i)
            if run >= 8 {
                writeVarint(UInt64(run) << 1, into: &output)
                var v = values[i]
                for _ in 0..<byteWidth {
                    output.append(UInt8(v & 0xFF))
                    v >>= 8
                }
                i += run
                continue
            }
            // Collect full groups of 8 until a long run starts (or the input ends).
            var groups = 1
            var next = i + 8
            while next < n && runLength(values, at: next) < 8 {
                groups += 1
                next += 8
            }
            writeVarint(UInt64(groups) << 1 | 1, into: &output)
            packBits(values, from: i, count: groups * 8, bitWidth: bitWidth, into: &output)
            i = min(next, n)
        }
    }

    private static func runLength(_ values: [UInt32], at start: Int) -> Int {
        let v = values[start]
        var end = start + 1
        while end < values.count && values[end] == v { end += 1 }
        return end - start
    }

    private static func packBits(
        _ values: [UInt32],
        from start: Int,
        count: Int,
        bitWidth: Int,
        into output: inout [UInt8]
    ) {
        var accumulator: UInt64 = 0
        var bits = 0
        for k in 0..<count {
            let index = start + k
            let value = index < values.count ? UInt64(values[index]) : 0
            accumulator |= value << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                output.append(UInt8(accumulator & 0xFF))
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { output.append(UInt8(accumulator & 0xFF)) }
    }

    static func writeVarint(_ value: UInt64, into output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    /// The number of bits needed for values up to `maxValue`.
    static func bitWidth(forMax maxValue: Int) -> Int {
        maxValue <= 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
    }

    // MARK: - Decoding

    /// Decodes exactly `count` values from `bytes[start..<end]`.
    /// - Throws: `.malformedInput` when the runs end early or a header is malformed.
    static func decode<T: FixedWidthInteger & UnsignedInteger>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        start: Int,
        end: Int,
        bitWidth: Int,
        count: Int,
        into output: inout [T]
    ) throws {
        guard (0...min(32, T.bitWidth)).contains(bitWidth) else {
            throw ShoalError(.malformedInput, "RLE: bit width \(bitWidth) out of range")
        }
        let byteWidth = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        var pos = start
        var produced = 0
        while produced < count {
            var header: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < end else {
                    throw ShoalError(.malformedInput, "RLE: runs end after \(produced) of \(count) values")
                }
                guard shift <= 56 else { throw ShoalError(.malformedInput, "RLE: run header too long") }
                let byte = bytes[pos]
                pos += 1
                header |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            if header & 1 == 0 {
                let runCount = header >> 1
                guard end - pos >= byteWidth else { throw ShoalError(.malformedInput, "RLE: truncated run value") }
                var value: UInt64 = 0
                for b in 0..<byteWidth { value |= UInt64(bytes[pos + b]) << UInt64(8 * b) }
                pos += byteWidth
                guard value <= mask else {
                    throw ShoalError(.malformedInput, "RLE: run value wider than \(bitWidth) bits")
                }
                let take = Int(min(runCount, UInt64(count - produced)))
                output.append(contentsOf: repeatElement(T(truncatingIfNeeded: value), count: take))
                produced += take
            } else {
                let groups = header >> 1
                // Each group of 8 values takes bitWidth bytes; the run may be cut short only at the stream end.
                let available = UInt64(end - pos)
                let wantedBytes = groups.multipliedReportingOverflow(by: UInt64(bitWidth))
                let runBytes = wantedBytes.overflow ? available : min(wantedBytes.partialValue, available)
                let runValues = Int(
                    min(
                        groups.multipliedReportingOverflow(by: 8).overflow ? UInt64.max : groups * 8,
                        bitWidth == 0 ? UInt64.max : runBytes * 8 / UInt64(bitWidth)
                    )
                )
                let take = min(runValues, count - produced)
                guard take > 0 || groups == 0 else {
                    throw ShoalError(.malformedInput, "RLE: bit-packed run with no data")
                }
                var accumulator: UInt64 = 0
                var bits = 0
                var p = pos
                for _ in 0..<take {
                    while bits < bitWidth {
                        accumulator |= UInt64(bytes[p]) << UInt64(bits)
                        p += 1
                        bits += 8
                    }
                    output.append(T(truncatingIfNeeded: accumulator & mask))
                    accumulator >>= UInt64(bitWidth)
                    bits -= bitWidth
                }
                produced += take
                pos += Int(runBytes)
            }
        }
    }
}
