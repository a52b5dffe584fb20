import ShoalCore

/// Reads Parquet files into a ``ParquetTable``.
///
/// Supports what pandas/pyarrow write by default and Shoal's own files: flat BOOLEAN, INT32, INT64, FLOAT,
/// DOUBLE, BYTE_ARRAY (STRING or raw) and FIXED_LEN_BYTE_ARRAY columns and `list<float>`, required or optional,
/// over any number of row groups. Anything else throws `ShoalError` `.unsupported` naming the column and feature;
/// truncated or corrupt input throws `.malformedInput` or `.limitExceeded`, never traps.
public enum ParquetReader {
    /// Reads a whole file held in memory.
    /// - Parameters:
    ///   - bytes: the file.
    ///   - limits: bounds on sizes and counts (default ``ParquetReadLimits/default``).
    /// - Returns: the table, with all row groups concatenated.
    /// - Throws: `ShoalError` (`.malformedInput`, `.limitExceeded`, `.unsupported`).
    public static func read(_ bytes: [UInt8], limits: ParquetReadLimits = .default) throws -> ParquetTable {
        let metadata = try readMetadata(bytes, limits: limits)
        let columns = try SchemaResolver.resolve(metadata.schema)
        let footerStart = bytes.count - 8 - footerLength(bytes)
        var totalRows = 0
        for group in metadata.rowGroups {
            guard group.numRows >= 0, group.numRows <= Int64(limits.maxRows - totalRows) else {
                throw ShoalError(.limitExceeded, "Parquet file has more than \(limits.maxRows) rows")
            }
            totalRows += Int(group.numRows)
        }
        var data: [ParquetColumnData] = []
        do {
            for column in columns {
                var acc = LeafAccumulator(physicalType: column.physicalType)
                let reader = ColumnChunkReader(
                    fileBytes: bytes,
                    dataEnd: footerStart,
                    column: column,
                    limits: limits
                )
                for group in metadata.rowGroups {
                    guard column.leafIndex < group.columns.count else {
                        throw ShoalError(.malformedInput, "row group lacks a chunk for column \(column.column.name)")
                    }
                    try reader.read(group.columns[column.leafIndex], into: &acc)
                }
                data.append(try ColumnAssembler.assemble(acc, column: column, rows: totalRows))
            }
        }
        return try ParquetTable(schema: ParquetSchema(columns.map(\.column)), columns: data, rowCount: totalRows)
    }

    // MARK: - Footer

    private static func footerLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        return Int(
            UInt32(bytes[n - 8]) | UInt32(bytes[n - 7]) << 8 | UInt32(bytes[n - 6]) << 16 | UInt32(bytes[n - 5]) << 24
        )
    }

    /// Checks the magic bytes and decodes the footer.
    static func readMetadata(_ bytes: [UInt8], limits: ParquetReadLimits) throws -> FileMetaData {
        guard bytes.count >= 12 else {
            throw ShoalError(.malformedInput, "Parquet file of \(bytes.count) bytes is too short")
        }
        let tail = Array(bytes[(bytes.count - 4)...])
        if tail == Array("PARE".utf8) {
            throw ShoalError(.unsupported, "Parquet file: encryption (encrypted footer) is not supported")
        }
        guard tail == ParquetWriter.magic,
            Array(bytes[0..<4]) == ParquetWriter.magic || Array(bytes[0..<4]) == Array("PARE".utf8)
        else {
            throw ShoalError(.malformedInput, "not a Parquet file: bad magic bytes")
        }
        let length = footerLength(bytes)
        guard length <= limits.maxFooterLength else {
            throw ShoalError(.limitExceeded, "Parquet footer of \(length) bytes exceeds \(limits.maxFooterLength)")
        }
        guard length <= bytes.count - 12 else {
            throw ShoalError(.malformedInput, "Parquet footer length \(length) exceeds the file")
        }
        let start = bytes.count - 8 - length
        var reader = ThriftCompactReader(bytes: bytes, start: start, end: bytes.count - 8, limits: limits)
        let metadata = try FileMetaData(thrift: &reader, limits: limits)
        if metadata.isEncrypted {
            throw ShoalError(.unsupported, "Parquet file: encryption (plaintext footer) is not supported")
        }
        return metadata
    }
}
