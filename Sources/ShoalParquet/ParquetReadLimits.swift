/// Bounds the Parquet reader enforces on untrusted files.
///
/// Every length, count and size read from a file is checked against these values (and against the bytes that
/// are actually present) before anything is allocated. Exceeding a limit throws `ShoalError` `.limitExceeded`.
public struct ParquetReadLimits: Sendable, Hashable {
    /// Largest footer (FileMetaData) in bytes.
    public var maxFooterLength: Int
    /// Largest page, compressed or uncompressed, in bytes.
    public var maxPageSize: Int
    /// Largest number of rows in the whole file.
    public var maxRows: Int
    /// Largest number of leaf values in one column chunk (rows times list lengths).
    public var maxValuesPerColumnChunk: Int
    /// Largest number of schema elements.
    public var maxSchemaElements: Int
    /// Largest number of row groups.
    public var maxRowGroups: Int
    /// Deepest Thrift struct nesting.
    public var maxThriftDepth: Int
    /// Largest Thrift list, set or map.
    public var maxThriftCollectionSize: Int
    /// Largest Thrift binary or string.
    public var maxThriftBinaryLength: Int
    /// Largest number of entries in a dictionary page.
    public var maxDictionaryEntries: Int

    /// Generous defaults for shards of up to a few hundred megabytes.
    ///
    /// Peak memory of a read is bounded by these numbers, not by the file size: a small file may legally describe
    /// millions of null rows (an RLE run of nulls takes a few bytes). Lower ``maxRows`` and
    /// ``maxValuesPerColumnChunk`` when reading files from untrusted peers into a small budget.
    public static let `default` = ParquetReadLimits(
        maxFooterLength: 64 << 20,
        maxPageSize: 256 << 20,
        maxRows: 1 << 26,
        maxValuesPerColumnChunk: 1 << 28,
        maxSchemaElements: 10_000,
        maxRowGroups: 100_000,
        maxThriftDepth: 64,
        maxThriftCollectionSize: 1 << 24,
        maxThriftBinaryLength: 64 << 20,
        maxDictionaryEntries: 1 << 26
    )

    /// Creates limits; see the properties for their meaning.
    public init(
        maxFooterLength: Int,
        maxPageSize: Int,
        maxRows: Int,
        maxValuesPerColumnChunk: Int,
        maxSchemaElements: Int,
        maxRowGroups: Int,
        maxThriftDepth: Int,
        maxThriftCollectionSize: Int,
        maxThriftBinaryLength: Int,
        maxDictionaryEntries: Int
    ) {
        self.maxFooterLength = maxFooterLength
        self.maxPageSize = maxPageSize
        self.maxRows = maxRows
        self.maxValuesPerColumnChunk = maxValuesPerColumnChunk
        self.maxSchemaElements = maxSchemaElements
        self.maxRowGroups = maxRowGroups
        self.maxThriftDepth = maxThriftDepth
        self.maxThriftCollectionSize = maxThriftCollectionSize
        self.maxThriftBinaryLength = maxThriftBinaryLength
        self.maxDictionaryEntries = maxDictionaryEntries
    }
}
