import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalParquet

/// `shoal dataset inspect FILE.parquet | CID --store DIR`.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Parquet file's schema, row groups and statistics, or a dataset manifest from a block store."
    )

    @Argument(help: "A Parquet file, or a CID (manifest or shard) in the store given by --store.")
    var target: String

    @Option(name: .long, help: "The block store directory (for a CID).")
    var store: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct StatsOutput: Encodable {
        var name: String
        var nulls: Int
        var min: String?
        var max: String?

        init(_ stats: ColumnStatistics) {
            name = stats.name
            nulls = stats.nullCount
            min = stats.min.map(Self.text)
            max = stats.max.map(Self.text)
        }

        static func text(_ value: DatasetValue) -> String {
            switch value {
            case .null: return "null"
            case .integer(let v): return String(v)
            case .float(let v): return v.description
            case .string(let v): return v
            case .boolean(let v): return String(v)
            case .vector(let v): return "\(v)"
            }
        }
    }

    struct ParquetOutput: Encodable {
        struct Group: Encodable {
            struct Chunk: Encodable {
                var path: String
                var codec: String
                var values: Int64
                var compressedBytes: Int64
                var uncompressedBytes: Int64
            }
            var rows: Int64
            var bytes: Int64
            var chunks: [Chunk]
        }
        var kind = "parquet"
        var cid: String
        var bytes: Int
        var rows: Int64
        var createdBy: String?
        var schema: String
        var rowGroups: [Group]
        var columns: [StatsOutput]
    }

    struct ManifestOutput: Encodable {
        struct ShardOutput: Encodable {
            var cid: String
            var firstRow: Int
            var rowCount: Int
            var byteSize: Int
            var columns: [StatsOutput]
        }
        var kind = "manifest"
        var cid: String
        var id: String
        var name: String
        var description: String
        var schema: String
        var rows: Int
        var bytes: Int
        var shardSize: Int
        var compression: String
        var writer: String
        var shards: [ShardOutput]
    }

    func run() async throws {
        let bytes: [UInt8]
        if let cid = try? CID(target), target.hasPrefix("b") || target.hasPrefix("Q") {
            guard let store else { throw CLIError(message: "\(target) is a CID: pass --store DIR") }
            guard let block = try BlockStore(root: store).get(cid) else {
                throw CLIError(message: "block store \(store) has no block \(target)")
            }
            if !block.starts(with: Array("PAR1".utf8)) {
                try printManifest(try DatasetManifest(decoding: block, expectedCID: cid))
                return
            }
            bytes = block
        } else {
            guard let data = FileManager.default.contents(atPath: target) else {
                throw CLIError(message: "\(target): cannot read the file")
            }
            bytes = [UInt8](data)
        }
        try printParquet(bytes)
    }

    private func printParquet(_ bytes: [UInt8]) throws {
        let summary: ParquetFileSummary
        let parquet: ParquetTable
        do {
            summary = try ParquetReader.summary(bytes)
            parquet = try ParquetReader.read(bytes)
        } catch let error as ShoalError {
            throw CLIError(message: "\(target): \(error.message)")
        }
        let table = try? DatasetTable(parquet: parquet)
        let schema =
            table?.schema.description
            ?? parquet.schema.columns.map { "\($0.name):\($0.type)\($0.nullable ? "?" : "")" }.joined(separator: ",")
        let output = ParquetOutput(
            cid: ContentID.of(bytes).string(),
            bytes: bytes.count,
            rows: summary.rowCount,
            createdBy: summary.createdBy,
            schema: schema,
            rowGroups: summary.rowGroups.map { group in
                .init(
                    rows: group.rowCount,
                    bytes: group.byteSize,
                    chunks: group.chunks.map {
                        .init(
                            path: $0.path,
                            codec: $0.codec,
                            values: $0.valueCount,
                            compressedBytes: $0.compressedSize,
                            uncompressedBytes: $0.uncompressedSize
                        )
                    }
                )
            },
            columns: table.map { t in t.columns.indices.map { StatsOutput(ColumnStatistics(table: t, column: $0)) } }
                ?? []
        )
        if json {
            try JSONOutput.print(output)
            return
        }
        print("parquet    \(target)")
        print("cid        \(output.cid)")
        print("bytes      \(output.bytes)")
        print("rows       \(output.rows)")
        print("created by \(output.createdBy ?? "-")")
        print("schema     \(output.schema)")
        for (i, group) in output.rowGroups.enumerated() {
            print("row group \(i): \(group.rows) rows, \(group.bytes) bytes")
            for chunk in group.chunks {
                print(
                    "  \(chunk.path)  \(chunk.codec)  \(chunk.values) values  "
                        + "\(chunk.compressedBytes)/\(chunk.uncompressedBytes) bytes"
                )
            }
        }
        printStats(output.columns)
    }

    private func printManifest(_ manifest: DatasetManifest) throws {
        let output = ManifestOutput(
            cid: manifest.cid.string(),
            id: manifest.id,
            name: manifest.name,
            description: manifest.description,
            schema: manifest.schema.description,
            rows: manifest.rowCount,
            bytes: manifest.byteSize,
            shardSize: manifest.parameters.shardSize,
            compression: manifest.parameters.compression.rawValue,
            writer: manifest.parameters.writer,
            shards: manifest.shards.map {
                .init(
                    cid: $0.cid.string(),
                    firstRow: $0.firstRow,
                    rowCount: $0.rowCount,
                    byteSize: $0.byteSize,
                    columns: $0.columns.map(StatsOutput.init)
                )
            }
        )
        if json {
            try JSONOutput.print(output)
            return
        }
        print("manifest    \(output.cid)")
        print("id          \(output.id)")
        print("name        \(output.name)")
        if !output.description.isEmpty { print("description \(output.description)") }
        print("schema      \(output.schema)")
        print("rows        \(output.rows) in \(output.shards.count) shards, \(output.bytes) bytes")
        print("parameters  shard size \(output.shardSize), \(output.compression), \(output.writer)")
        for shard in output.shards {
            print(
                "shard \(shard.cid)  rows \(shard.firstRow)..<\(shard.firstRow + shard.rowCount)  \(shard.byteSize) bytes"
            )
            printStats(shard.columns, indent: "  ")
        }
    }

    private func printStats(_ columns: [StatsOutput], indent: String = "") {
        for column in columns {
            let range = column.min.map { "min \($0)  max \(column.max ?? "-")" } ?? "no min/max"
            print("\(indent)\(column.name): nulls \(column.nulls)  \(range)")
        }
    }
}
