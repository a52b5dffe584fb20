import Foundation
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalParquet

/// The shard/manifest cases of the cross-check (acceptance plan P1 through the shard path, and C1).
///
/// `shards DIR` writes, for each P1 table, its shards as `<case>.s<k>.parquet` with the expected values of that row
/// range as `.json`, the dataset manifest as `<case>.manifest` (tables that fit a dataset schema go through
/// `DatasetPacker`; the others, e.g. binary columns, are cut by row range and written with the same writer), then
/// 1,000 random files `random/<n>.bin` (0 B to 8 MiB). `cids.json` maps every file name to the CID Swift computed.
enum ShardCases {
    static func write(to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var cids: [String: String] = [:]
        var manifests: [String: String] = [:]
        for (name, table) in try SampleTables.all() {
            let shardSize = max(1, (table.rowCount + 2) / 3)
            let codec = ParquetCompression.allCases[name.utf8.count % ParquetCompression.allCases.count]
            if let dataset = try? DatasetTable(parquet: table) {
                var packer = try DatasetPacker(
                    schema: dataset.schema,
                    parameters: PackParameters(shardSize: shardSize, compression: codec)
                )
                var shards = try packer.add(dataset)
                let (last, manifest) = try packer.finish(name: name, description: "P1 case \(name)")
                if let last { shards.append(last) }
                for (k, shard) in shards.enumerated() {
                    let slice = dataset.slice(shard.info.rows)
                    try emit(dir, "\(name).s\(k)", shard.bytes, expected: try slice.parquetTable(), &cids)
                }
                let bytes = manifest.encoded()
                try Data(bytes).write(to: dir.appendingPathComponent("\(name).manifest"))
                cids["\(name).manifest"] = manifest.cid.string()
                manifests["\(name).manifest"] = name
            } else {
                var start = 0
                var k = 0
                while start < table.rowCount {
                    let end = min(table.rowCount, start + shardSize)
                    let slice = try rows(table, start..<end)
                    let bytes = try ParquetWriter.write(slice, options: ParquetWriteOptions(compression: codec))
                    try emit(dir, "\(name).s\(k)", bytes, expected: slice, &cids)
                    start = end
                    k += 1
                }
            }
        }
        let randomDir = dir.appendingPathComponent("random")
        try FileManager.default.createDirectory(at: randomDir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 0xC1D)
        for n in 0..<1000 {
            let size: Int
            switch n {
            case 0: size = 0
            case 1: size = 8 << 20
            case _ where n % 100 == 0: size = Int(rng.next() % (1 << 20))
            default: size = Int(rng.next() % 4096)
            }
            var bytes = [UInt8](repeating: 0, count: size)
            for i in stride(from: 0, to: size, by: 8) {
                let r = rng.next()
                for j in 0..<min(8, size - i) { bytes[i + j] = UInt8(truncatingIfNeeded: r >> (8 * j)) }
            }
            try Data(bytes).write(to: randomDir.appendingPathComponent("\(n).bin"))
            cids["random/\(n).bin"] = ContentID.of(bytes).string()
        }
        let index: [String: Any] = ["cids": cids, "manifests": manifests]
        try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys])
            .write(to: dir.appendingPathComponent("cids.json"))
        print("wrote \(cids.count) files with CIDs to \(dir.path)")
    }

    private static func emit(
        _ dir: URL,
        _ base: String,
        _ bytes: [UInt8],
        expected: ParquetTable,
        _ cids: inout [String: String]
    ) throws {
        let file = dir.appendingPathComponent(base + ".parquet")
        try Data(bytes).write(to: file)
        try TableJSON.data(TableJSON.encode(expected)).write(to: dir.appendingPathComponent(base + ".json"))
        cids[base + ".parquet"] = ContentID.of(bytes).string()
    }

    /// Rows `range` of a Parquet table (the shard path for tables a dataset schema cannot hold).
    private static func rows(_ table: ParquetTable, _ range: Range<Int>) throws -> ParquetTable {
        let columns = table.columns.map { data -> ParquetColumnData in
            let values: ParquetColumnValues
            switch data.values {
            case .boolean(let v): values = .boolean(Array(v[range]))
            case .int32(let v): values = .int32(Array(v[range]))
            case .int64(let v): values = .int64(Array(v[range]))
            case .float(let v): values = .float(Array(v[range]))
            case .double(let v): values = .double(Array(v[range]))
            case .string(let v): values = .string(Array(v[range]))
            case .binary(let v): values = .binary(Array(v[range]))
            case .floatList(let v): values = .floatList(Array(v[range]))
            }
            return ParquetColumnData(values, validity: data.validity.map { Array($0[range]) })
        }
        return try ParquetTable(schema: table.schema, columns: columns, rowCount: range.count)
    }
}
