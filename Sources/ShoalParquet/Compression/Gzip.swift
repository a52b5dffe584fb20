import CZlib
import ShoalCore

/// GZIP (RFC 1952) through the system zlib.
///
/// The compressor writes a gzip wrapper with zlib's default header (mtime 0, no name), so the same input gives
/// the same bytes with the same zlib build.
enum Gzip {
    /// Compresses `input` into one gzip member at level 6.
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16 selects the gzip wrapper.
        guard CZlib_deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw ShoalError(.internalError, "zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ShoalError(.internalError, "zlib deflate failed (\(status))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// Decompresses a gzip (or zlib) stream that must inflate to exactly `expectedLength` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, expectedLength: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32 detects gzip or zlib headers.
        guard CZlib_inflateInit2(&stream, 15 + 32) == Z_OK else {
            throw ShoalError(.internalError, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: expectedLength + 1)
        var input = Array(input)
        let status = input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw ShoalError(.malformedInput, "GZIP: stream did not inflate cleanly (zlib status \(status))")
        }
        guard Int(stream.total_out) == expectedLength else {
            throw ShoalError(
                .malformedInput,
                "GZIP: inflated \(stream.total_out) bytes, page header says \(expectedLength)"
            )
        }
        output.removeLast()
        return output
    }
}
