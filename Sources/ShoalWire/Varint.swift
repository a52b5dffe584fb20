import ShoalCore

// MARK: - Unsigned varint (internal)

/// A minimal multiformats unsigned-varint codec, internal to ShoalWire.
///
/// Kept in its own file so that it can be swapped for the shared multiformats module later.
enum Varint {
    /// The largest number of bytes a varint may take (63 bits of payload).
    static let maximumLength = 9

    /// Appends the minimal encoding of `value` to `buffer`.
    static func encode(_ value: UInt64, into buffer: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        buffer.append(UInt8(remaining))
    }

    /// Returns the minimal encoding of `value`.
    static func encode(_ value: UInt64) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(maximumLength)
        encode(value, into: &buffer)
        return buffer
    }

    /// Decodes a varint at the start of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the bytes to read from.
    ///   - maximumLength: the largest number of bytes accepted.
    /// - Returns: the value and the number of bytes it took, or nil when more bytes are needed.
    /// - Throws: ``ShoalError`` `.malformedInput` for a non-minimal or too long encoding.
    static func decode(
        _ bytes: ArraySlice<UInt8>,
        maximumLength: Int = Varint.maximumLength
    ) throws(ShoalError) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = bytes.startIndex
        var count = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            count += 1
            if count > maximumLength {
                throw ShoalError(.malformedInput, "varint longer than \(maximumLength) bytes")
            }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 {
                    throw ShoalError(.malformedInput, "varint is not minimally encoded")
                }
                return (value, count)
            }
            shift += 7
            index += 1
        }
        if count >= maximumLength {
            throw ShoalError(.malformedInput, "varint longer than \(maximumLength) bytes")
        }
        return nil
    }
}
