import ShoalCore
public import ShoalMultiformats
public import ShoalParquet

/// One shard as a manifest lists it.
public struct ShardInfo: Sendable, Hashable {
    /// The raw CIDv1 of the shard's Parquet file.
    public var cid: CID
    /// The index of the shard's first row in the dataset.
    public var firstRow: Int
    /// Rows in the shard.
    public var rowCount: Int
    /// The file size in bytes.
    public var byteSize: Int
    /// Per-column statistics, in schema order.
    public var columns: [ColumnStatistics]

    /// Creates a shard entry.
    public init(cid: CID, firstRow: Int, rowCount: Int, byteSize: Int, columns: [ColumnStatistics]) {
        self.cid = cid
        self.firstRow = firstRow
        self.rowCount = rowCount
        self.byteSize = byteSize
        self.columns = columns
    }

    /// The dataset rows this shard holds.
    public var rows: Range<Int> { firstRow..<(firstRow + rowCount) }
}

/// The settings a dataset was packed with (recorded so anyone can re-pack and get the same CIDs).
public struct PackParameters: Sendable, Hashable {
    /// Rows per shard (the last shard may have fewer).
    public var shardSize: Int
    /// The page codec of the shard files.
    public var compression: ParquetCompression
    /// The Parquet `created_by` written into each shard.
    public var writer: String

    /// Creates parameters.
    /// - Parameters:
    ///   - shardSize: rows per shard, at least 1.
    ///   - compression: the codec (default none).
    ///   - writer: the `created_by` string (default the Parquet writer's).
    public init(shardSize: Int, compression: ParquetCompression = .none, writer: String? = nil) {
        self.shardSize = shardSize
        self.compression = compression
        self.writer = writer ?? ParquetWriteOptions().createdBy
    }

    /// The Parquet writer options for shards.
    public var writeOptions: ParquetWriteOptions {
        ParquetWriteOptions(compression: compression, createdBy: writer)
    }
}

/// A dataset version: what it is, its schema and its shards, content-addressed as a whole.
///
/// **Encoding.** ``encoded()`` is canonical JSON (``CanonicalJSON``: sorted keys, no whitespace, integers only), so
/// the same dataset always has the same bytes and the same ``cid`` (raw CIDv1, sha2-256). Float statistics are
/// JSON strings in Swift's shortest round-trip decimal form (`"0.1"`, `"1e-05"`, `"inf"`, `"-0.0"`), so no
/// JSON reader's float printing can change the hash. Nothing time- or host-dependent is included.
public struct DatasetManifest: Sendable, Hashable {
    /// The value of the `format` key.
    public static let format = "shoal-dataset/1"
    /// Largest encoded manifest accepted by ``init(decoding:expectedCID:)``.
    public static let maximumEncodedSize = 64 << 20

    /// A stable identifier of the dataset across versions (chosen by the publisher; defaults to the name).
    public var id: String
    /// A short name.
    public var name: String
    /// Free text.
    public var description: String
    /// The schema, with vector dimensions resolved.
    public var schema: DatasetSchema
    /// The shards, in row order.
    public var shards: [ShardInfo]
    /// How the shards were made.
    public var parameters: PackParameters

    /// Creates a manifest.
    public init(
        id: String,
        name: String,
        description: String,
        schema: DatasetSchema,
        shards: [ShardInfo],
        parameters: PackParameters
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.schema = schema
        self.shards = shards
        self.parameters = parameters
    }

    /// Rows in the dataset.
    public var rowCount: Int { shards.reduce(0) { $0 + $1.rowCount } }
    /// Bytes of all shard files.
    public var byteSize: Int { shards.reduce(0) { $0 + $1.byteSize } }

    /// The canonical bytes.
    public func encoded() -> [UInt8] { CanonicalJSON.encode(json) }

    /// The manifest's own CID: raw CIDv1 of ``encoded()``.
    public var cid: CID { ContentID.of(encoded()) }

    // MARK: - JSON form

    var json: JSONValue {
        .object([
            ("format", .string(Self.format)),
            ("id", .string(id)),
            ("name", .string(name)),
            ("description", .string(description)),
            ("schema", .string(schema.description)),
            ("rowCount", .number(String(rowCount))),
            ("byteSize", .number(String(byteSize))),
            (
                "parameters",
                .object([
                    ("shardSize", .number(String(parameters.shardSize))),
                    ("compression", .string(parameters.compression.rawValue)),
                    ("writer", .string(parameters.writer)),
                ])
            ),
            ("shards", .array(shards.map(Self.shardJSON))),
        ])
    }

    private static func shardJSON(_ shard: ShardInfo) -> JSONValue {
        .object([
            ("cid", .string(shard.cid.string())),
            ("firstRow", .number(String(shard.firstRow))),
            ("rowCount", .number(String(shard.rowCount))),
            ("byteSize", .number(String(shard.byteSize))),
            (
                "columns",
                .array(
                    shard.columns.map { stats in
                        var members: [(String, JSONValue)] = [
                            ("name", .string(stats.name)), ("nulls", .number(String(stats.nullCount))),
                        ]
                        if let min = stats.min { members.append(("min", valueJSON(min))) }
                        if let max = stats.max { members.append(("max", valueJSON(max))) }
                        return .object(members)
                    }
                )
            ),
        ])
    }

    static func valueJSON(_ value: DatasetValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .integer(let v): return .number(String(v))
        case .float(let v): return .string(v.description)
        case .string(let v): return .string(v)
        case .boolean(let v): return .bool(v)
        case .vector(let v): return .array(v.map { .string($0.description) })
        }
    }
}
