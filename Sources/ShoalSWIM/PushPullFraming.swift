import ShoalCore

// MARK: - Push-pull stream framing

extension SWIM.WireCodec {
    /// Frames a push-pull state for a stream: `u32 length | state` (big-endian length).
    /// - Throws: ``ShoalError`` `.limitExceeded` when the state exceeds the bounds.
    public static func encodeFrame(_ state: SWIM.PushPullState) throws -> [UInt8] {
        let body = try encode(state)
        var w = ByteWriter(capacity: body.count + 4)
        w.append(UInt32(body.count))
        w.append(body)
        return w.bytes
    }

    /// Parses one framed push-pull state from the front of a stream buffer.
    /// - Parameter buffer: the bytes received so far.
    /// - Returns: the state and how many bytes it used, or nil when more bytes are needed.
    /// - Throws: ``ShoalError`` `.limitExceeded` as soon as the declared length exceeds
    ///   ``maxPushPullByteCount`` (before buffering it), `.malformedInput` for a bad body.
    public static func decodeFrame(_ buffer: [UInt8]) throws -> (state: SWIM.PushPullState, consumed: Int)? {
        guard buffer.count >= 4 else { return nil }
        var r = ByteReader(buffer)
        let length = Int(try r.u32("frame length"))
        guard length <= maxPushPullByteCount else {
            throw ShoalError(.limitExceeded, "SWIM push-pull frame of \(length) bytes exceeds \(maxPushPullByteCount)")
        }
        guard buffer.count - 4 >= length else { return nil }
        let state = try decodePushPull(Array(buffer[4..<(4 + length)]))
        return (state, 4 + length)
    }
}
