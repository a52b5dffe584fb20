import ShoalCore
public import ShoalMultiformats
public import ShoalParquet

/// One shard: a Parquet file (one row group) and its manifest entry.
public struct Shard: Sendable, Hashable {
    /// The file bytes.
    public var bytes: [UInt8]
    /// The manifest entry (CID, row range, size, statistics).
    public var info: ShardInfo

    /// The raw CIDv1 of ``bytes``.
    public var cid: CID { info.cid }
}

/// Cuts a stream of row batches into shards of a fixed number of rows and builds the manifest.
///
/// Memory holds at most one shard's rows plus the batch being added, whatever the input size. The output is a
/// pure function of the rows and the parameters: the same rows (however they are batched) and parameters give
/// byte-identical shards and the same manifest CID.
public struct DatasetPacker: Sendable {
    /// Most rows in one shard.
    public static let maximumShardSize = 1 << 24

    /// How shards are made.
    public let parameters: PackParameters
    private var schema: DatasetSchema
    private var pending: DatasetTable
    private var shards: [ShardInfo] = []
    private var nextRow = 0

    /// Creates a packer.
    /// - Parameters:
    ///   - schema: the schema of the rows (`float[]` dimensions may still be unresolved).
    ///   - parameters: shard size, compression and writer string.
    /// - Throws: `ShoalError` `.invalidArgument` when the shard size is outside 1...``maximumShardSize``.
    public init(schema: DatasetSchema, parameters: PackParameters) throws {
        guard parameters.shardSize >= 1, parameters.shardSize <= Self.maximumShardSize else {
            throw ShoalError(
                .invalidArgument,
                "shard size \(parameters.shardSize) is outside 1...\(Self.maximumShardSize)"
            )
        }
        self.parameters = parameters
        self.schema = schema
        self.pending = DatasetTable(empty: schema)
    }

    /// Adds rows; returns the shards completed by them (possibly none).
    /// - Throws: `ShoalError` `.invalidArgument` when the batch's schema differs, or a writer error.
    public mutating func add(_ batch: DatasetTable) throws -> [Shard] {
        pending = try pending.appending(batch)
        schema = pending.schema
        var out: [Shard] = []
        var offset = 0
        while pending.rowCount - offset >= parameters.shardSize {
            out.append(try emit(pending.slice(offset..<(offset + parameters.shardSize))))
            offset += parameters.shardSize
        }
        if offset > 0 { pending = pending.slice(offset..<pending.rowCount) }
        return out
    }

    /// Writes the remaining rows as a last (shorter) shard and returns it with the manifest.
    /// - Parameters:
    ///   - id: the dataset id (nil: the name).
    ///   - name: the dataset name.
    ///   - description: free text.
    /// - Returns: the last shard (nil when no rows were left) and the manifest of all shards.
    public mutating func finish(
        id: String? = nil,
        name: String,
        description: String = ""
    ) throws -> (
        last: Shard?, manifest: DatasetManifest
    ) {
        let last = pending.rowCount > 0 ? try emit(pending) : nil
        pending = DatasetTable(empty: schema)
        let manifest = DatasetManifest(
            id: id ?? name,
            name: name,
            description: description,
            schema: schema,
            shards: shards,
            parameters: parameters
        )
        return (last, manifest)
    }

    private mutating func emit(_ table: DatasetTable) throws -> Shard {
        let shard = try Self.makeShard(table, firstRow: nextRow, parameters: parameters)
        nextRow += table.rowCount
        shards.append(shard.info)
        return shard
    }

    /// Writes one table as one shard.
    static func makeShard(_ table: DatasetTable, firstRow: Int, parameters: PackParameters) throws -> Shard {
        let bytes = try ParquetWriter.write(try table.parquetTable(), options: parameters.writeOptions)
        let info = ShardInfo(
            cid: ContentID.of(bytes),
            firstRow: firstRow,
            rowCount: table.rowCount,
            byteSize: bytes.count,
            columns: table.columns.indices.map { ColumnStatistics(table: table, column: $0) }
        )
        return Shard(bytes: bytes, info: info)
    }
}

/// Splits a table into shards of `shardSize` rows (the last may be shorter), each a Parquet file named by its CID.
/// - Parameters:
///   - table: the rows.
///   - shardSize: rows per shard.
///   - compression: the page codec (default none).
/// - Returns: the shards in row order (none for an empty table).
/// - Throws: `ShoalError` `.invalidArgument` for a bad shard size, or a writer error.
public func shard(_ table: DatasetTable, shardSize: Int, compression: ParquetCompression = .none) throws -> [Shard] {
    var packer = try DatasetPacker(
        schema: table.schema,
        parameters: PackParameters(shardSize: shardSize, compression: compression)
    )
    var shards = try packer.add(table)
    if let last = try packer.finish(name: "").last { shards.append(last) }
    return shards
}
