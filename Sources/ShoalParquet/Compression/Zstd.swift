import CZstd
import ShoalCore

/// Zstandard through the system libzstd.
enum Zstd {
    /// Compresses `input` at level 3 (deterministic for a given libzstd version).
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, 3)
            }
        }
        guard ZSTD_isError(written) == 0 else { throw ShoalError(.internalError, "ZSTD_compress failed") }
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses a zstd frame that must produce exactly `expectedLength` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, expectedLength: Int) throws -> [UInt8] {
        // Check the frame's declared content size before allocating (libzstd: max = unknown, max - 1 = error).
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared == UInt64.max - 1 {
            throw ShoalError(.malformedInput, "ZSTD: not a zstd frame")
        }
        if declared != UInt64.max && declared != UInt64(expectedLength) {
            throw ShoalError(
                .malformedInput,
                "ZSTD: frame declares \(declared) bytes, page header says \(expectedLength)"
            )
        }
        var output = [UInt8](repeating: 0, count: expectedLength)
        let produced = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                ZSTD_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count)
            }
        }
        guard ZSTD_isError(produced) == 0 else {
            let name = String(cString: ZSTD_getErrorName(produced))
            throw ShoalError(.malformedInput, "ZSTD: \(name)")
        }
        guard produced == expectedLength else {
            throw ShoalError(.malformedInput, "ZSTD: produced \(produced) bytes, page header says \(expectedLength)")
        }
        return output
    }
}
