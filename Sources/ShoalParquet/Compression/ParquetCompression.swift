import ShoalCore

/// A page compression codec Shoal can write.
public enum ParquetCompression: String, Sendable, Hashable, CaseIterable {
    /// No compression.
    case none
    /// Snappy raw blocks (Shoal's own implementation).
    case snappy
    /// GZIP through zlib.
    case gzip
    /// Zstandard through libzstd.
    case zstd

    /// The parquet.thrift `CompressionCodec` value.
    var thriftValue: Int32 {
        switch self {
        case .none: return 0
        case .snappy: return 1
        case .gzip: return 2
        case .zstd: return 6
        }
    }

    /// Compresses a page body.
    func compress(_ body: [UInt8]) throws -> [UInt8] {
        switch self {
        case .none: return body
        case .snappy: return Snappy.compress(body)
        case .gzip: return try Gzip.compress(body)
        case .zstd: return try Zstd.compress(body)
        }
    }
}

/// Decompresses a page body with the codec named by a thrift `CompressionCodec` value.
/// - Parameters:
///   - codec: the thrift codec value from ColumnMetaData.
///   - body: the compressed bytes.
///   - uncompressedLength: the exact length the page header promises (already bounded by the caller).
///   - column: the column name, for error messages.
/// - Throws: `.unsupported` for LZO/BROTLI/LZ4, `.malformedInput` for corrupt data.
func decompressPage(
    codec: Int32,
    _ body: ArraySlice<UInt8>,
    uncompressedLength: Int,
    column: String
) throws -> [UInt8] {
    do {
        switch codec {
        case 0:
            guard body.count == uncompressedLength else {
                throw ShoalError(
                    .malformedInput,
                    "uncompressed page of \(body.count) bytes claims \(uncompressedLength)"
                )
            }
            return Array(body)
        case 1:
            // A Snappy element expands at most 64 bytes from 2 bytes of input: refuse larger claims before allocating.
            guard uncompressedLength <= body.count * 32 + 64 else { throw expansion(body.count, uncompressedLength) }
            return try Snappy.decompress(body, expectedLength: uncompressedLength)
        case 2:
            // Deflate cannot expand more than about 1032:1.
            guard uncompressedLength <= body.count * 1100 + 1024 else {
                throw expansion(body.count, uncompressedLength)
            }
            return try Gzip.decompress(body, expectedLength: uncompressedLength)
        case 6: return try Zstd.decompress(body, expectedLength: uncompressedLength)
        default:
            let names: [Int32: String] = [3: "LZO", 4: "BROTLI", 5: "LZ4", 7: "LZ4_RAW"]
            throw ShoalError(
                .unsupported,
                "column \(column): compression \(names[codec] ?? "codec \(codec)") is not supported"
            )
        }
    } catch let error as ShoalError where error.code == .malformedInput {
        throw ShoalError(.malformedInput, "column \(column): \(error.message)", cause: error)
    }
}

private func expansion(_ compressed: Int, _ uncompressed: Int) -> ShoalError {
    ShoalError(.malformedInput, "page of \(compressed) compressed bytes cannot expand to the claimed \(uncompressed)")
}
