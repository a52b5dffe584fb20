import ShoalCore

/// Options for ``ParquetWriter``.
public struct ParquetWriteOptions: Sendable, Hashable {
    /// The page compression codec.
    public var compression: ParquetCompression
    /// The `created_by` string; fixed so output bytes do not depend on the build.
    public var createdBy: String
    /// Extra key-value metadata, written sorted by key.
    public var keyValueMetadata: [String: String]
    /// Target size in bytes of a data page's values before compression.
    public var dataPageSize: Int
    /// Whether to write min_value / max_value / null_count column statistics.
    public var writeStatistics: Bool
    /// Most rows per row group; nil writes one row group (what dataset shards use).
    public var rowGroupSize: Int?

    /// Creates options.
    /// - Parameters:
    ///   - compression: the page codec (default none).
    ///   - createdBy: the footer's `created_by` (default "shoal version 0.1").
    ///   - keyValueMetadata: extra metadata (default empty).
    ///   - dataPageSize: target values bytes per page (default 1 MiB).
    ///   - writeStatistics: whether to write statistics (default true).
    ///   - rowGroupSize: most rows per row group (at least 1), or nil for one row group (default).
    public init(
        compression: ParquetCompression = .none,
        createdBy: String = "shoal version 0.1",
        keyValueMetadata: [String: String] = [:],
        dataPageSize: Int = 1 << 20,
        writeStatistics: Bool = true,
        rowGroupSize: Int? = nil
    ) {
        self.rowGroupSize = rowGroupSize.map { max(1, $0) }
        self.compression = compression
        self.createdBy = createdBy
        self.keyValueMetadata = keyValueMetadata
        self.dataPageSize = dataPageSize
        self.writeStatistics = writeStatistics
    }
}

/// Writes a ``ParquetTable`` as a Parquet file: one row group (or groups of ``ParquetWriteOptions/rowGroupSize``
/// rows), DATA_PAGE v1, PLAIN values, RLE levels.
///
/// The output is a pure function of the table and the options: no clock, host or random input.
public enum ParquetWriter {
    /// The 4-byte magic at both ends of a Parquet file.
    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Serialises `table` into Parquet file bytes.
    /// - Parameters:
    ///   - table: the data.
    ///   - options: compression, metadata and page size.
    /// - Returns: the complete file.
    /// - Throws: `ShoalError` `.limitExceeded` when a page exceeds 2 GiB, `.internalError` if a codec fails.
    public static func write(
        _ table: ParquetTable,
        options: ParquetWriteOptions = ParquetWriteOptions()
    ) throws
        -> [UInt8]
    {
        var file = magic
        var meta = FileMetaData()
        meta.schema = SchemaWriter.elements(for: table.schema)
        meta.numRows = Int64(table.rowCount)
        meta.createdBy = options.createdBy
        meta.typeDefinedColumnOrders = table.schema.columns.count
        if !options.keyValueMetadata.isEmpty {
            meta.keyValueMetadata = options.keyValueMetadata.sorted { $0.key < $1.key }.map {
                KeyValue(key: $0.key, value: $0.value)
            }
        }
        let groupSize = options.rowGroupSize ?? max(1, table.rowCount)
        for (ordinal, start) in stride(from: 0, to: table.rowCount, by: groupSize).enumerated() {
            let rows = start..<min(table.rowCount, start + groupSize)
            var group = RowGroup()
            group.numRows = Int64(rows.count)
            group.fileOffset = Int64(file.count)
            group.ordinal = Int16(clamping: ordinal)
            var compressed: Int64 = 0
            for (column, data) in zip(table.schema.columns, table.columns) {
                let part = rows.count == table.rowCount ? data : data.rows(rows)
                let writer = ColumnChunkWriter(column: column, data: part, options: options)
                var chunk = ColumnChunk()
                let chunkMeta = try writer.write(into: &file)
                chunk.metaData = chunkMeta
                group.totalByteSize += chunkMeta.totalUncompressedSize
                compressed += chunkMeta.totalCompressedSize
                group.columns.append(chunk)
            }
            group.totalCompressedSize = compressed
            meta.rowGroups.append(group)
        }
        var footer = ThriftCompactWriter()
        meta.write(to: &footer)
        file.append(contentsOf: footer.bytes)
        let n = UInt32(footer.bytes.count)
        file.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)])
        file.append(contentsOf: magic)
        return file
    }
}
