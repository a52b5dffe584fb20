import ShoalCore

/// What a Parquet footer says about a file, without decoding any page: for `shoal dataset inspect`.
public struct ParquetFileSummary: Sendable, Hashable {
    /// One column chunk of a row group.
    public struct Chunk: Sendable, Hashable {
        /// The dotted leaf path (`vec.list.element` for a vector).
        public var path: String
        /// The codec name (`UNCOMPRESSED`, `SNAPPY`, `GZIP`, `ZSTD`, ...).
        public var codec: String
        /// Leaf values, nulls included.
        public var valueCount: Int64
        /// Bytes of the chunk's pages as stored.
        public var compressedSize: Int64
        /// Bytes of the chunk's pages before compression.
        public var uncompressedSize: Int64
        /// The footer's null count, when it has statistics.
        public var nullCount: Int64?
    }

    /// One row group.
    public struct RowGroupSummary: Sendable, Hashable {
        /// Rows in the group.
        public var rowCount: Int64
        /// The footer's total byte size of the group.
        public var byteSize: Int64
        /// The column chunks, in leaf order.
        public var chunks: [Chunk]
    }

    /// Rows in the file.
    public var rowCount: Int64
    /// The footer's `created_by`.
    public var createdBy: String?
    /// The row groups.
    public var rowGroups: [RowGroupSummary]
    /// Key-value metadata keys, sorted.
    public var metadataKeys: [String]
}

extension ParquetReader {
    /// Decodes the footer of `bytes` into a ``ParquetFileSummary``.
    /// - Throws: `ShoalError` `.malformedInput`, `.limitExceeded` or `.unsupported` as ``read(_:limits:)`` does.
    public static func summary(_ bytes: [UInt8], limits: ParquetReadLimits = .default) throws -> ParquetFileSummary {
        let metadata = try readMetadata(bytes, limits: limits)
        let codecs: [Int32: String] = [
            0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW",
        ]
        let groups = metadata.rowGroups.map { group in
            ParquetFileSummary.RowGroupSummary(
                rowCount: group.numRows,
                byteSize: group.totalByteSize,
                chunks: group.columns.map { chunk in
                    let meta = chunk.metaData
                    return ParquetFileSummary.Chunk(
                        path: meta?.pathInSchema.joined(separator: ".") ?? "?",
                        codec: meta.map { codecs[$0.codec] ?? "codec \($0.codec)" } ?? "?",
                        valueCount: meta?.numValues ?? 0,
                        compressedSize: meta?.totalCompressedSize ?? 0,
                        uncompressedSize: meta?.totalUncompressedSize ?? 0,
                        nullCount: meta?.statistics?.nullCount
                    )
                }
            )
        }
        return ParquetFileSummary(
            rowCount: metadata.numRows,
            createdBy: metadata.createdBy,
            rowGroups: groups,
            metadataKeys: (metadata.keyValueMetadata ?? []).map(\.key).sorted()
        )
    }
}
