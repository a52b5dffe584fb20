import Foundation
import ShoalCore
import ShoalParquet

/// Single-core write/read throughput of uncompressed int64, double and string columns.
enum Benchmark {
    static func run(megabytes: Int) throws {
        // Per row: 8 (int64) + 8 (double) + 4 + ~16 (string) bytes of PLAIN data, about 36 bytes.
        let rows = megabytes * 1_000_000 / 36
        var rng = SplitMix64(seed: 42)
        let ints = (0..<rows).map { _ in Int64(bitPattern: rng.next()) }
        let doubles = (0..<rows).map { _ in Double(rng.next() >> 11) / Double(1 << 53) }
        let strings = (0..<rows).map { i in "value-\(i % 1000)-\(rng.next() % 100_000)" }
        let table = try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("i", .int64, nullable: false), ParquetColumn("d", .double, nullable: false),
                ParquetColumn("s", .string, nullable: false),
            ]),
            columns: [
                ParquetColumnData(.int64(ints)), ParquetColumnData(.double(doubles)),
                ParquetColumnData(.string(strings)),
            ]
        )
        // Best of three runs of each direction (the machine is shared, so single runs are noisy).
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        var writeTime = Duration.seconds(1_000)
        var readTime = Duration.seconds(1_000)
        for _ in 0..<3 {
            writeTime = min(writeTime, try clock.measure { bytes = try ParquetWriter.write(table) })
            var readBack: ParquetTable?
            readTime = min(readTime, try clock.measure { readBack = try ParquetReader.read(bytes) })
            guard readBack == table else { throw CocoaError(.coderInvalidValue) }
        }
        let mb = Double(bytes.count) / 1_000_000
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        print(String(format: "rows %d, file %.1f MB", rows, mb))
        print(String(format: "swift write (best of 3): %.3f s, %.1f MB/s", seconds(writeTime), mb / seconds(writeTime)))
        print(String(format: "swift read (best of 3):  %.3f s, %.1f MB/s", seconds(readTime), mb / seconds(readTime)))
        let out = ProcessInfo.processInfo.environment["SHOAL_BENCH_FILE"]
        if let out { try Data(bytes).write(to: URL(fileURLWithPath: out)) }
    }
}
