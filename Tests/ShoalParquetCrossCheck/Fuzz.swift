import Foundation
import ShoalCore
import ShoalParquet

/// A time-boxed mutation fuzzer for the Parquet reader: seeds are our own files (every sample table × codec) plus
/// any `.parquet` files in a corpus folder; each round mutates one seed (bit flips, byte sets, truncation, spliced
/// chunks, overwritten lengths) and reads it. A crash ends the process (the run fails); a read slower than 5 s is a
/// hang and is saved to the corpus folder and reported; every input must give a table or a ShoalError.
enum Fuzz {
    static func run(seconds: Double, corpus: URL) throws {
        var seeds: [[UInt8]] = []
        for (_, table) in try SampleTables.all() {
            for codec in ParquetCompression.allCases {
                seeds.append(try ParquetWriter.write(table, options: ParquetWriteOptions(compression: codec)))
            }
        }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: corpus.path) {
            for name in names where name.hasSuffix(".parquet") {
                if let data = FileManager.default.contents(atPath: corpus.appendingPathComponent(name).path) {
                    seeds.append(Array(data))
                }
            }
        }
        seeds = seeds.filter { $0.count < 4 << 20 }
        var rng = SplitMix64(seed: UInt64(seeds.count) &* 0x5EED)
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(Int64(seconds * 1000))
        var inputs = 0
        var decoded = 0
        var rejected = 0
        var slowest: Duration = .zero
        while clock.now < end {
            let input = mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng)
            let start = clock.now
            do {
                _ = try ParquetReader.read(input)
                decoded += 1
            } catch is ShoalError {
                rejected += 1
            } catch {
                fail("reader threw a non-ShoalError: \(error)")
            }
            let took = clock.now - start
            if took > slowest { slowest = took }
            if took > .seconds(5) {
                let path = corpus.appendingPathComponent("slow-\(inputs).parquet")
                try Data(input).write(to: path)
                fail("an input took \(took) to read; saved to \(path.path)")
            }
            inputs += 1
        }
        print(
            "fuzz: \(inputs) inputs in \(Int(seconds)) s from \(seeds.count) seeds: \(decoded) read, "
                + "\(rejected) rejected with a ShoalError, 0 crashes, slowest \(slowest)"
        )
    }

    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        let rounds = 1 + Int(rng.next() % 8)
        for _ in 0..<rounds where !bytes.isEmpty {
            let at = Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 6 {
            case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: bytes = Array(bytes.prefix(at))
            case 3:
                // Overwrite four bytes with an extreme 32-bit value (lengths, counts, offsets).
                let values: [UInt32] = [0, 1, 0x7fff_ffff, 0xffff_ffff, 0x8000_0000, UInt32(bytes.count)]
                let value = values[Int(rng.next() % UInt64(values.count))]
                for i in 0..<4 where at + i < bytes.count {
                    bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i))
                }
            case 4:
                // Duplicate a chunk elsewhere.
                let length = min(Int(rng.next() % 64) + 1, bytes.count - at)
                let chunk = Array(bytes[at..<(at + length)])
                let to = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: chunk, at: to)
            default:
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }
        return bytes
    }
}
