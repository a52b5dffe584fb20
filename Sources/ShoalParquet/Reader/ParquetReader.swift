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
        let file = try ParquetFile(
            metadata: metadata,
            bytes: .whole(bytes),
            dataEnd: bytes.count - 8 - footerLength(bytes),
            limits: limits
        )
        return try file.readRowGroups(0..<file.rowGroupRowCounts.count)
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
        let length = try checkFooter(
            head: Array(bytes[0..<4]),
            tail: Array(bytes[(bytes.count - 8)...]),
            fileSize: bytes.count,
            limits: limits
        )
        return try decodeFooter(Array(bytes[(bytes.count - 8 - length)..<(bytes.count - 8)]), limits: limits)
    }

    /// Checks the first 4 and last 8 bytes of a file and returns the footer's length.
    static func checkFooter(head: [UInt8], tail: [UInt8], fileSize: Int, limits: ParquetReadLimits) throws -> Int {
        let magic = Array(tail[4...])
        if magic == Array("PARE".utf8) {
            throw ShoalError(.unsupported, "Parquet file: encryption (encrypted footer) is not supported")
        }
        guard magic == ParquetWriter.magic, head == ParquetWriter.magic || head == Array("PARE".utf8) else {
            throw ShoalError(.malformedInput, "not a Parquet file: bad magic bytes")
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length <= limits.maxFooterLength else {
            throw ShoalError(.limitExceeded, "Parquet footer of \(length) bytes exceeds \(limits.maxFooterLength)")
        }
        guard length <= fileSize - 12 else {
            throw ShoalError(.malformedInput, "Parquet footer length \(length) exceeds the file")
        }
        return length
    }

    /// Decodes a footer's FileMetaData.
    static func decodeFooter(_ footer: [UInt8], limits: ParquetReadLimits) throws -> FileMetaData {
        var reader = ThriftCompactReader(bytes: footer, start: 0, end: footer.count, limits: limits)
        let metadata = try FileMetaData(thrift: &reader, limits: limits)
        if metadata.isEncrypted {
            throw ShoalError(.unsupported, "Parquet file: encryption (plaintext footer) is not supported")
        }
        return metadata
    }
}
