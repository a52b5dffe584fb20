import ShoalCore

/// A Parquet file opened for reading one row group at a time.
///
/// Opening reads and checks only the magic bytes and the footer; ``readRowGroup(_:)`` then fetches the column
/// chunks of one row group from the ``ParquetByteSource``, so peak memory follows the largest row group, not the
/// file. ``ParquetReader/read(_:limits:)`` is the whole-file convenience over the same code.
public struct ParquetFile {
    /// The columns, as every row group decodes them.
    public let schema: ParquetSchema
    /// Rows in each row group, in file order.
    public let rowGroupRowCounts: [Int]
    private let metadata: FileMetaData
    private let columns: [ResolvedColumn]
    private let bytes: ColumnChunkReader.Bytes
    private let dataEnd: Int
    private let limits: ParquetReadLimits

    /// Rows in the whole file.
    public var rowCount: Int { rowGroupRowCounts.reduce(0, +) }

    /// Opens a file from a random-access source.
    /// - Parameters:
    ///   - source: the file's bytes.
    ///   - limits: bounds on sizes and counts.
    /// - Throws: `ShoalError` (`.malformedInput`, `.limitExceeded`, `.unsupported`, `.io`).
    public init(source: any ParquetByteSource, limits: ParquetReadLimits = .default) throws {
        let size = source.size
        guard size >= 12 else { throw ShoalError(.malformedInput, "Parquet file of \(size) bytes is too short") }
        let head = try source.read(offset: 0, count: 4)
        let tail = try source.read(offset: size - 8, count: 8)
        let length = try ParquetReader.checkFooter(head: head, tail: tail, fileSize: size, limits: limits)
        let footer = try source.read(offset: size - 8 - length, count: length)
        try self.init(
            metadata: ParquetReader.decodeFooter(footer, limits: limits),
            bytes: .source(source),
            dataEnd: size - 8 - length,
            limits: limits
        )
    }

    init(metadata: FileMetaData, bytes: ColumnChunkReader.Bytes, dataEnd: Int, limits: ParquetReadLimits) throws {
        self.metadata = metadata
        self.columns = try SchemaResolver.resolve(metadata.schema)
        self.schema = ParquetSchema(columns.map(\.column))
        self.bytes = bytes
        self.dataEnd = dataEnd
        self.limits = limits
        var counts: [Int] = []
        var totalRows = 0
        for group in metadata.rowGroups {
            guard group.numRows >= 0, group.numRows <= Int64(limits.maxRows - totalRows) else {
                throw ShoalError(.limitExceeded, "Parquet file has more than \(limits.maxRows) rows")
            }
            totalRows += Int(group.numRows)
            counts.append(Int(group.numRows))
        }
        self.rowGroupRowCounts = counts
    }

    /// Decodes row group `index` alone.
    /// - Throws: `ShoalError` `.invalidArgument` for an index out of range, or what decoding the pages throws.
    public func readRowGroup(_ index: Int) throws -> ParquetTable {
        guard rowGroupRowCounts.indices.contains(index) else {
            throw ShoalError(.invalidArgument, "row group \(index) of \(rowGroupRowCounts.count) does not exist")
        }
        return try readRowGroups(index..<(index + 1))
    }

    /// Decodes consecutive row groups into one table (an empty range gives an empty table with the schema).
    /// - Throws: `ShoalError` `.invalidArgument` for a range outside the file, or what decoding the pages throws.
    public func readRowGroups(_ groups: Range<Int>) throws -> ParquetTable {
        guard groups.lowerBound >= 0, groups.upperBound <= rowGroupRowCounts.count else {
            throw ShoalError(
                .invalidArgument,
                "row groups \(groups) lie outside the \(rowGroupRowCounts.count) of the file"
            )
        }
        let rows = rowGroupRowCounts[groups].reduce(0, +)
        var data: [ParquetColumnData] = []
        data.reserveCapacity(columns.count)
        for column in columns {
            var acc = LeafAccumulator(physicalType: column.physicalType)
            let reader = ColumnChunkReader(bytes: bytes, dataEnd: dataEnd, column: column, limits: limits)
            for group in metadata.rowGroups[groups] {
                guard column.leafIndex < group.columns.count else {
                    throw ShoalError(.malformedInput, "row group lacks a chunk for column \(column.column.name)")
                }
                try reader.read(group.columns[column.leafIndex], into: &acc)
            }
            data.append(try ColumnAssembler.assemble(acc, column: column, rows: rows))
        }
        return try ParquetTable(schema: schema, columns: data, rowCount: rows)
    }
}
