import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalParquet
import ShoalVector

/// `shoal dataset …`: pack files into content-addressed Parquet shards and inspect them.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Pack CSV, JSON Lines or Parquet files into content-addressed shards; inspect shards and manifests.",
        subcommands: [Pack.self, InspectCommand.self]
    )

    /// The input formats of `pack`.
    enum InputFormat: String, EnumerableFlag {
        case csv
        case jsonl
        case parquet
    }

    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a file, cut it into Parquet shards, store shards and manifest by CID in a block store.",
            discussion: """
                Schema: comma-separated name:type with types integer, float, string, boolean, float[N] and float[];
                a '?' after the type makes the column nullable (e.g. 'id:integer,text:string?,vector:float[384]').
                Without --schema, types are inferred from the first 1,000 rows (all inferred columns are nullable).
                """
        )

        @Argument(help: "The input file.")
        var input: String

        @Flag(help: "The input format (default: from the file extension).")
        var format: InputFormat?

        @Option(name: .long, help: "The schema, e.g. 'id:integer,text:string,vector:float[384]'.")
        var schema: String?

        @Option(name: .long, help: "Rows per shard.")
        var shardSize: Int

        @Option(name: .long, help: "The block store directory (created if missing).")
        var out: String

        @Option(name: .long, help: "Page compression: none, snappy, gzip or zstd.")
        var compression: String = "none"

        @Option(name: .long, help: "The dataset name (default: the input file name).")
        var name: String?

        @Option(name: .long, help: "The dataset id (default: the name).")
        var id: String?

        @Option(name: .customLong("description"), help: "A description stored in the manifest.")
        var datasetDescription: String = ""

        @Option(name: .long, help: "Rows read per batch.")
        var batchSize: Int = 8192

        @Flag(name: .long, help: "Skip bad rows (and count them) instead of stopping at the first.")
        var skipBadRows = false

        @Flag(
            name: .customLong("reject-nan"),
            help: "Treat NaN in float columns as a bad row (default: stored as NaN)."
        )
        var rejectNaN = false

        @Option(
            name: .customLong("vector-index"),
            help: "Also build HNSW indexes for the vector column with this metric (cosine, dot, l2)."
        )
        var vectorIndex: String?

        @Option(name: .customLong("vector-index-threshold"), help: "Vectors per shard from which an index is built.")
        var vectorIndexThreshold: Int = 50_000

        @Flag(name: .long, help: "Print a JSON summary.")
        var json = false

        struct Output: Encodable {
            struct ShardOutput: Encodable {
                var cid: String
                var firstRow: Int
                var rowCount: Int
                var byteSize: Int
            }
            struct RowError: Encodable {
                var line: Int
                var column: String?
                var message: String
            }
            var manifest: String
            var name: String
            var schema: String
            var rows: Int
            var bytes: Int
            var shards: [ShardOutput]
            var skippedRows: Int
            var errors: [RowError]
            var store: String
        }

        /// Builds the HNSW indexes `shoal search` uses (same default parameters) when `--vector-index` is given.
        /// - Returns: the number of shards indexed, or nil without `--vector-index`.
        func buildVectorIndexes(_ manifest: DatasetManifest, store: BlockStore) throws -> Int? {
            guard let vectorIndex else { return nil }
            guard let metric = VectorMetric(rawValue: vectorIndex) else {
                throw CLIError(message: "--vector-index: unknown metric '\(vectorIndex)' (cosine, dot, l2)")
            }
            let policy = VectorIndexPolicy(
                threshold: max(vectorIndexThreshold, 1),
                directory: VectorShardLoader.indexDirectory(for: store)
            )
            let (_, statuses) = try VectorShardLoader.collection(
                store: store,
                manifest: manifest,
                column: nil,
                metric: metric,
                policy: policy
            )
            return statuses.filter { $0 != .none }.count
        }

        func run() async throws {
            guard let codec = ParquetCompression(rawValue: compression) else {
                throw CLIError(message: "unknown compression '\(compression)' (none, snappy, gzip, zstd)")
            }
            guard shardSize >= 1 else { throw CLIError(message: "--shard-size must be at least 1") }
            guard let format = format ?? Self.format(of: input) else {
                throw CLIError(message: "\(input): cannot tell the format: pass --csv, --jsonl or --parquet")
            }
            let parsedSchema: DatasetSchema?
            do {
                parsedSchema = try schema.map { try DatasetSchema(parsing: $0) }
            } catch let error as ShoalError {
                throw CLIError(message: "--schema: \(error.message)")
            }
            let options = IngestOptions(
                batchSize: batchSize,
                errorPolicy: skipBadRows ? .skip : .stop,
                nanPolicy: rejectNaN ? .reject : .allow
            )
            let store = try BlockStore(root: out)
            let parameters = PackParameters(shardSize: shardSize, compression: codec)
            let datasetName = name ?? URL(fileURLWithPath: input).lastPathComponent
            let progress = ProgressLine()
            func packAll(_ reader: inout some TableBatchReader) throws -> PackResult {
                try store.pack(
                    &reader,
                    name: datasetName,
                    id: id,
                    description: datasetDescription,
                    parameters: parameters,
                    progress: progress.update
                )
            }
            let result: PackResult
            switch format {
            case .csv:
                var reader = CSVTableReader(
                    source: try FileByteSource(path: input),
                    schema: parsedSchema,
                    options: options,
                    sourceName: input
                )
                result = try packAll(&reader)
            case .jsonl:
                var reader = JSONLinesTableReader(
                    source: try FileByteSource(path: input),
                    schema: parsedSchema,
                    options: options,
                    sourceName: input
                )
                result = try packAll(&reader)
            case .parquet:
                var reader = try ParquetTableReader(
                    source: try ParquetFileSource(path: input),
                    schema: parsedSchema,
                    options: options,
                    sourceName: input
                )
                result = try packAll(&reader)
            }
            progress.finish()
            let manifest = result.manifest
            let indexed = try buildVectorIndexes(manifest, store: store)
            let output = Output(
                manifest: result.manifestCID.string(),
                name: manifest.name,
                schema: manifest.schema.description,
                rows: manifest.rowCount,
                bytes: manifest.byteSize,
                shards: manifest.shards.map {
                    .init(cid: $0.cid.string(), firstRow: $0.firstRow, rowCount: $0.rowCount, byteSize: $0.byteSize)
                },
                skippedRows: result.report.rowsSkipped,
                errors: result.report.errors.map { .init(line: $0.line, column: $0.column, message: $0.message) },
                store: out
            )
            if json {
                try JSONOutput.print(output)
                return
            }
            print("manifest \(output.manifest)")
            for shard in output.shards {
                print(
                    "shard    \(shard.cid)  rows \(shard.firstRow)..<\(shard.firstRow + shard.rowCount)  \(shard.byteSize) bytes"
                )
            }
            print("packed \(output.rows) rows into \(output.shards.count) shards (\(output.bytes) bytes) in \(out)")
            if let indexed { print("built \(indexed) HNSW indexes in \(VectorShardLoader.indexDirectory(for: store))") }
            if output.skippedRows > 0 {
                print(
                    "skipped \(output.skippedRows) bad rows; first: \(result.report.errors.first.map { "\($0)" } ?? "-")"
                )
            }
        }

        static func format(of path: String) -> InputFormat? {
            let lower = path.lowercased()
            if lower.hasSuffix(".csv") { return .csv }
            if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
            if lower.hasSuffix(".parquet") { return .parquet }
            return nil
        }
    }
}

/// A progress line on standard error, shown only when it is a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled = isatty(2) == 1
    private var shown = false

    func update(_ progress: PackProgress) {
        guard enabled else { return }
        shown = true
        var stderr = StandardError()
        let mb = Double(progress.bytes) / 1_048_576
        print(
            "\rpacked \(progress.rows) rows, \(progress.shards) shards, \(String(format: "%.1f", mb)) MB"
                + (progress.skipped > 0 ? ", \(progress.skipped) skipped" : ""),
            terminator: "",
            to: &stderr
        )
    }

    func finish() {
        guard shown else { return }
        var stderr = StandardError()
        print("", to: &stderr)
    }
}
