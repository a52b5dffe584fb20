import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalParquet

/// `shoal bench pack`: packs a generated CSV and reports throughput and peak memory. Not run by tests.
extension BenchCommand {
    struct PackBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pack",
            abstract: "Generate a CSV of about N MB in a temporary directory, pack it, report MB/s and peak RSS."
        )

        @Option(name: .long, help: "Size of the generated CSV in megabytes (10^6 bytes).")
        var megabytes: Int = 200

        @Option(name: .long, help: "Rows per shard.")
        var shardSize: Int = 100_000

        @Option(name: .long, help: "Page compression: none, snappy, gzip or zstd.")
        var compression: String = "none"

        @Option(name: .long, help: "Vector dimension of the generated data.")
        var dimension: Int = 8

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        struct Output: Encodable {
            var inputBytes: Int
            var rows: Int
            var shards: Int
            var outputBytes: Int
            var compression: String
            var generateSeconds: Double
            var packSeconds: Double
            var megabytesPerSecond: Double
            var packCPUSeconds: Double
            var megabytesPerCPUSecond: Double
            var peakRSSBeforePackMB: Double
            var peakRSSMB: Double
        }

        func run() async throws {
            guard let codec = ParquetCompression(rawValue: compression) else {
                throw CLIError(message: "unknown compression '\(compression)'")
            }
            guard megabytes >= 1, dimension >= 1, shardSize >= 1 else {
                throw CLIError(message: "--megabytes, --dimension and --shard-size must be positive")
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-bench-\(getpid())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let csvPath = dir.appendingPathComponent("input.csv").path
            let clock = ContinuousClock()
            let generateStart = clock.now
            let inputBytes = try Self.generate(path: csvPath, bytes: megabytes * 1_000_000, dimension: dimension)
            let generateTime = clock.now - generateStart
            let rssBefore = Self.peakRSS()
            let store = try BlockStore(root: dir.appendingPathComponent("store").path)
            var reader = CSVTableReader(
                source: try FileByteSource(path: csvPath),
                schema: try DatasetSchema(parsing: "id:integer,text:string,score:float,vector:float[\(dimension)]"),
                sourceName: csvPath
            )
            let progress = ProgressLine()
            let packStart = clock.now
            let cpuStart = Self.cpuSeconds()
            let result = try store.pack(
                &reader,
                name: "bench",
                parameters: PackParameters(shardSize: shardSize, compression: codec),
                progress: progress.update
            )
            let packTime = clock.now - packStart
            let cpu = Self.cpuSeconds() - cpuStart
            progress.finish()
            let seconds = Double(packTime.components.seconds) + Double(packTime.components.attoseconds) / 1e18
            let output = Output(
                inputBytes: inputBytes,
                rows: result.manifest.rowCount,
                shards: result.manifest.shards.count,
                outputBytes: result.manifest.byteSize,
                compression: codec.rawValue,
                generateSeconds: Double(generateTime.components.seconds),
                packSeconds: seconds,
                megabytesPerSecond: Double(inputBytes) / 1e6 / seconds,
                packCPUSeconds: cpu,
                megabytesPerCPUSecond: Double(inputBytes) / 1e6 / cpu,
                peakRSSBeforePackMB: rssBefore,
                peakRSSMB: Self.peakRSS()
            )
            if json {
                try JSONOutput.print(output)
                return
            }
            print(
                "input   \(output.inputBytes) bytes CSV, \(output.rows) rows (generated in \(output.generateSeconds) s)"
            )
            print("output  \(output.shards) shards, \(output.outputBytes) bytes (\(output.compression))")
            print(String(format: "pack    %.2f s, %.1f MB/s", output.packSeconds, output.megabytesPerSecond))
            print(String(format: "cpu     %.2f s, %.1f MB per CPU second", cpu, output.megabytesPerCPUSecond))
            print(String(format: "peak RSS (VmHWM) %.1f MB (%.1f MB before packing)", output.peakRSSMB, rssBefore))
        }

        /// Writes a deterministic CSV of at least `bytes` bytes; returns its size.
        static func generate(path: String, bytes: Int, dimension: Int) throws -> Int {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else { throw CLIError(message: "cannot create \(path)") }
            defer { try? handle.close() }
            var state: UInt64 = 0x5EED
            func next() -> UInt64 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return state >> 11
            }
            let words = ["shoal", "peer", "dataset", "shard", "vector", "fish", "reef", "current", "tide", "kelp"]
            var written = 0
            var row = 0
            var chunk = "id,text,score,vector\n"
            while written + chunk.utf8.count < bytes {
                for _ in 0..<2000 {
                    let text = (0..<(3 + Int(next() % 6))).map { _ in words[Int(next() % 10)] }.joined(separator: " ")
                    let score = Double(Int(next() % 2_000_000) - 1_000_000) / 1000
                    let vector = (0..<dimension).map { _ in String(Float(Int(next() % 20001) - 10000) / 10000) }
                    chunk += "\(row),\(text),\(score),\"[\(vector.joined(separator: ","))]\"\n"
                    row += 1
                }
                handle.write(Data(chunk.utf8))
                written += chunk.utf8.count
                chunk = ""
            }
            return written
        }

        /// User + system CPU time of this process.
        static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            return user + system
        }

        /// VmHWM from /proc/self/status in MB (0 where unavailable).
        static func peakRSS() -> Double {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
                return kb / 1024
            }
            return 0
        }
    }
}
