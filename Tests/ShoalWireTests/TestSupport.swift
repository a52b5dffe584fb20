import ShoalCore

@testable import ShoalWire

// MARK: - Deterministic RNG

/// Test helpers on ShoalCore's seeded generator.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (count + 7) & ~7)
        out.withUnsafeMutableBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                raw.storeBytes(of: next(), toByteOffset: offset, as: UInt64.self)
            }
        }
        out.removeLast(out.count - count)
        return out
    }
}

/// Compares two byte arrays a word at a time (fast enough in debug builds for megabytes).
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in
            var offset = 0
            while offset + 8 <= pa.count {
                if pa.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != pb.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset += 8
            }
            while offset < pa.count {
                if pa[offset] != pb[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}

// MARK: - Hex

/// Parses hex text, ignoring spaces.
func hex(_ text: String) -> [UInt8] {
    let digits = text.utf8.filter { $0 != UInt8(ascii: " ") }
    precondition(digits.count % 2 == 0, "odd hex string")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: preconditionFailure("bad hex digit")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

/// A frame built from its parts, for hand-written inbound input.
func frame(
    _ type: YamuxFrameType,
    _ flags: YamuxFlags,
    _ id: UInt32,
    _ length: UInt32,
    payload: [UInt8] = []
) -> [UInt8] {
    YamuxFrameHeader(type: type, flags: flags, streamID: YamuxStreamID(id), length: length).bytes + payload
}

// MARK: - Action helpers

extension Array where Element == YamuxAction {
    /// All bytes of the write actions, concatenated.
    var written: [UInt8] {
        var out: [UInt8] = []
        for action in self {
            switch action {
            case .write(let bytes): out += bytes
            case .writeSegments(let output): out += output.bytes
            default: break
            }
        }
        return out
    }

    /// The headers of every frame written (payloads skipped).
    var writtenHeaders: [YamuxFrameHeader] { parseFrames(written).map(\.header) }

    /// The session failure reported, if any.
    var failure: ShoalError? {
        for case .sessionFailed(let error) in self { return error }
        return nil
    }

    /// The data delivered, concatenated per stream.
    var delivered: [YamuxStreamID: [UInt8]] {
        var out: [YamuxStreamID: [UInt8]] = [:]
        for case .data(let id, let bytes) in self { out[id, default: []] += bytes }
        return out
    }
}

/// Splits a byte string into frames (header + payload); stops at the first incomplete frame.
func parseFrames(_ bytes: [UInt8]) -> [(header: YamuxFrameHeader, payload: [UInt8])] {
    var out: [(header: YamuxFrameHeader, payload: [UInt8])] = []
    var index = 0
    while index + YamuxFrameHeader.size <= bytes.count,
        let header = try? YamuxFrameHeader.decode(bytes[index..<(index + YamuxFrameHeader.size)])
    {
        index += YamuxFrameHeader.size
        let length = header.type == .data ? Int(header.length) : 0
        guard index + length <= bytes.count else { break }
        out.append((header, Array(bytes[index..<(index + length)])))
        index += length
    }
    return out
}
