import ShoalCore

/// Unsigned LEB128 varints as multiformats uses them: minimal, at most 9 bytes (63 bits).
enum KadVarint {
    /// The longest varint accepted.
    static let maximumLength = 9

    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Decodes a varint at the start of `bytes`.
    /// - Returns: the value and its length, or nil when more bytes are needed.
    /// - Throws: ``ShoalError`` with code `malformedInput` for a non-minimal or over-long varint.
    static func decode(_ bytes: ArraySlice<UInt8>) throws -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var index = bytes.startIndex
        var shift: UInt64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            let count = index - bytes.startIndex + 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 {
                    throw ShoalError(.malformedInput, "varint is not minimal (trailing zero group)")
                }
                return (value, count)
            }
            if count == maximumLength {
                throw ShoalError(.malformedInput, "varint longer than \(maximumLength) bytes")
            }
            shift += 7
            index += 1
        }
        return nil
    }
}

/// Reads consecutive varints from a byte slice.
struct KadVarintReader {
    var bytes: ArraySlice<UInt8>

    var remaining: Int { bytes.count }

    mutating func read() throws -> UInt64 {
        guard let (value, length) = try KadVarint.decode(bytes) else {
            throw ShoalError(.malformedInput, "truncated varint")
        }
        bytes = bytes.dropFirst(length)
        return value
    }
}
