/// The multiformats unsigned varint (LEB128 without sign, minimal, at most 9 bytes).
///
/// Seven bits per byte, least-significant group first; the high bit `0x80` means "more bytes follow". Encodings
/// must be minimal: only the value 0 may end in a `0x00` byte. At most 9 bytes, so values up to 2⁶³ − 1.
///
/// ```swift
/// UVarint.encode(300)                       // [0xac, 0x02]
/// try UVarint.decode([0xac, 0x02, 0xff])    // (value: 300, bytesConsumed: 2)
/// try UVarint.decode([0xac])                // nil: more bytes needed
/// ```
public enum UVarint {
    // MARK: - Limits

    /// The longest encoding accepted: 9 bytes.
    public static let maximumByteCount = 9
    /// The largest value that can be encoded: 2⁶³ − 1.
    public static let maximumValue: UInt64 = (1 << 63) - 1

    // MARK: - Encoding

    /// The number of bytes the encoding of `value` takes (1…10; values above ``maximumValue`` would need 10).
    public static func encodedLength(_ value: UInt64) -> Int {
        var length = 1
        var rest = value >> 7
        while rest != 0 {
            length += 1
            rest >>= 7
        }
        return length
    }

    /// Encodes `value` as a minimal varint.
    /// - Precondition: `value <= UVarint.maximumValue` (a programming error otherwise; values from the network
    ///   are checked by the decoders of this module before they can be re-encoded).
    /// - Returns: 1 to 9 bytes.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength(value))
        encode(value, into: &out)
        return out
    }

    /// Appends the minimal varint encoding of `value` to `buffer`.
    /// - Precondition: `value <= UVarint.maximumValue`.
    public static func encode(_ value: UInt64, into buffer: inout [UInt8]) {
        precondition(value <= maximumValue, "UVarint.encode: \(value) is above the 63-bit maximum")
        var rest = value
        while rest >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        buffer.append(UInt8(rest))
    }

    // MARK: - Decoding

    /// Decodes a varint from the start of `bytes`.
    ///
    /// - Parameter bytes: the input; bytes after the varint are left alone.
    /// - Returns: the value and the number of bytes it used, or `nil` when `bytes` ends inside the varint (feed
    ///   more bytes and call again).
    /// - Throws: ``MultiformatsError`` `.nonMinimal` for a redundant trailing `0x00` group, `.overflow` when the
    ///   varint would need more than 9 bytes.
    public static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes
    ) throws(MultiformatsError) -> (value: UInt64, bytesConsumed: Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            if count > maximumByteCount {
                throw MultiformatsError(.overflow, "varint longer than \(maximumByteCount) bytes")
            }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 {
                    throw MultiformatsError(.nonMinimal, "varint is not minimally encoded (\(count) bytes)")
                }
                return (value, count)
            }
            shift += 7
        }
        if count >= maximumByteCount {
            throw MultiformatsError(.overflow, "varint longer than \(maximumByteCount) bytes")
        }
        return nil
    }

    /// Decodes a varint that must be complete within `bytes` (for fully received messages).
    ///
    /// - Returns: the value and the number of bytes it used.
    /// - Throws: ``MultiformatsError`` `.truncated` when the input ends inside the varint, plus the errors of
    ///   ``decode(_:)``.
    public static func decodeComplete<Bytes: Collection<UInt8>>(
        _ bytes: Bytes
    ) throws(MultiformatsError) -> (value: UInt64, bytesConsumed: Int) {
        guard let result = try decode(bytes) else {
            throw MultiformatsError(.truncated, "input ends inside a varint")
        }
        return result
    }
}
