import ShoalCore

/// Snappy raw block format (no framing): a varint uncompressed length, then literal and copy elements.
///
/// Both directions are Shoal's own code. The decompressor checks every length and offset and never writes past
/// the declared length; the compressor is a greedy single-pass hash matcher and is deterministic.
enum Snappy {
    // MARK: - Decompression

    /// Decompresses a raw Snappy block.
    /// - Parameters:
    ///   - input: the compressed block.
    ///   - expectedLength: the length the caller expects (from the page header); the block must declare it.
    /// - Throws: `ShoalError` `.malformedInput` on any inconsistency.
    static func decompress(_ input: ArraySlice<UInt8>, expectedLength: Int) throws -> [UInt8] {
        try input.withUnsafeBufferPointer { src in
            var pos = 0
            var declared: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < src.count, shift <= 28 else { throw bad("bad length preamble") }
                let byte = src[pos]
                pos += 1
                declared |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            guard declared == UInt64(expectedLength) else {
                throw bad("block declares \(declared) bytes, page header says \(expectedLength)")
            }
            return try [UInt8](unsafeUninitializedCapacity: expectedLength) { dst, initialized in
                var out = 0
                defer { initialized = out }
                while pos < src.count {
                    let tag = src[pos]
                    pos += 1
                    switch tag & 3 {
                    case 0:
                        var length = Int(tag >> 2)
                        if length >= 60 {
                            let extra = length - 59
                            guard src.count - pos >= extra else { throw bad("truncated literal length") }
                            length = 0
                            for i in 0..<extra { length |= Int(src[pos + i]) << (8 * i) }
                            pos += extra
                        }
                        length += 1
                        guard src.count - pos >= length else { throw bad("literal runs past the input") }
                        guard expectedLength - out >= length else { throw bad("literal runs past the output") }
                        (dst.baseAddress! + out).update(from: src.baseAddress! + pos, count: length)
                        pos += length
                        out += length
                    default:
                        let length: Int
                        let offset: Int
                        switch tag & 3 {
                        case 1:
                            guard pos < src.count else { throw bad("truncated copy") }
                            length = 4 + Int((tag >> 2) & 7)
                            offset = Int(tag >> 5) << 8 | Int(src[pos])
                            pos += 1
                        case 2:
                            guard src.count - pos >= 2 else { throw bad("truncated copy") }
                            length = 1 + Int(tag >> 2)
                            offset = Int(src[pos]) | Int(src[pos + 1]) << 8
                            pos += 2
                        default:
                            guard src.count - pos >= 4 else { throw bad("truncated copy") }
                            length = 1 + Int(tag >> 2)
                            offset =
                                Int(src[pos]) | Int(src[pos + 1]) << 8 | Int(src[pos + 2]) << 16
                                | Int(src[pos + 3]) << 24
                            pos += 4
                        }
                        guard offset > 0, offset <= out else { throw bad("copy offset \(offset) out of range") }
                        guard expectedLength - out >= length else { throw bad("copy runs past the output") }
                        let base = dst.baseAddress!
                        if offset >= length {
                            (base + out).update(from: base + out - offset, count: length)
                        } else {
                            for i in 0..<length { base[out + i] = base[out - offset + i] }
                        }
                        out += length
                    }
                }
                guard out == expectedLength else {
                    throw bad("block produced \(out) bytes, expected \(expectedLength)")
                }
            }
        }
    }

    private static func bad(_ what: String) -> ShoalError {
        ShoalError(.malformedInput, "Snappy: \(what)")
    }

    // MARK: - Compression

    private static let hashBits = 14
    private static let maxBlock = 1 << 16

    /// Compresses `input` into a raw Snappy block.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 6 + 16)
        var length = UInt64(input.count)
        while length >= 0x80 {
            output.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        input.withUnsafeBufferPointer { src in
            var table = [Int32](repeating: -1, count: 1 << hashBits)
            var blockStart = 0
            while blockStart < src.count {
                let blockEnd = min(blockStart + maxBlock, src.count)
                for i in table.indices { table[i] = -1 }
                compressBlock(src, from: blockStart, to: blockEnd, table: &table, into: &output)
                blockStart = blockEnd
            }
        }
        return output
    }

    private static func load32(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
    }

    private static func compressBlock(
        _ src: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to end: Int,
        table: inout [Int32],
        into output: inout [UInt8]
    ) {
        var literalStart = start
        var i = start
        while i + 4 <= end {
            let word = load32(src, i)
            let slot = Int((word &* 0x1E35_A7BD) >> UInt32(32 - hashBits))
            let candidate = Int(table[slot])
            table[slot] = Int32(i - start)
            if candidate >= 0, load32(src, start + candidate) == word {
                let matchStart = start + candidate
                var length = 4
                while i + length < end && src[matchStart + length] == src[i + length] { length += 1 }
                emitLiteral(src, from: literalStart, to: i, into: &output)
                emitCopy(offset: i - matchStart, length: length, into: &output)
                i += length
                literalStart = i
            } else {
                i += 1
            }
        }
        emitLiteral(src, from: literalStart, to: end, into: &output)
    }

    private static func emitLiteral(
        _ src: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to end: Int,
        into output: inout [UInt8]
    ) {
        let length = end - start
        guard length > 0 else { return }
        let n = length - 1
        if n < 60 {
            output.append(UInt8(n << 2))
        } else if n < 1 << 8 {
            output.append(60 << 2)
            output.append(UInt8(n))
        } else if n < 1 << 16 {
            output.append(61 << 2)
            output.append(UInt8(n & 0xFF))
            output.append(UInt8(n >> 8))
        } else {
            output.append(62 << 2)
            output.append(UInt8(n & 0xFF))
            output.append(UInt8((n >> 8) & 0xFF))
            output.append(UInt8(n >> 16))
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: src[start..<end]))
    }

    private static func emitCopy(offset: Int, length: Int, into output: inout [UInt8]) {
        var remaining = length
        while remaining > 0 {
            // Keep at least 4 bytes for the last piece so a 1-byte-offset copy stays legal.
            var piece = min(remaining, 64)
            if remaining - piece > 0 && remaining - piece < 4 { piece = remaining - 4 }
            if piece >= 4 && piece <= 11 && offset < 2048 {
                output.append(UInt8(1 | (piece - 4) << 2 | (offset >> 8) << 5))
                output.append(UInt8(offset & 0xFF))
            } else {
                output.append(UInt8(2 | (piece - 1) << 2))
                output.append(UInt8(offset & 0xFF))
                output.append(UInt8(offset >> 8))
            }
            remaining -= piece
        }
    }
}
