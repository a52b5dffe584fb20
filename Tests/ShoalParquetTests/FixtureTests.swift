import Foundation
import ShoalCore
import Testing

@testable import ShoalParquet

/// Files written by pyarrow and fastparquet (Fixtures.swift), generated once from these 40 rows:
///   id = i; text = nil if i % 5 == 0 else "v\(i % 7)"; val = nil if i % 6 == 0 else i * 0.5;
///   flag = nil if i % 4 == 0 else i % 3 == 0; vec = nil if i % 9 == 0 else [] if i % 10 == 0 else [i, -i]
/// pyarrowDefault: pandas defaults (snappy, dictionary, data page v1, every column optional).
/// pyarrowV2ZstdFallback: data page v2, zstd, 16-byte dictionary limit (PLAIN fallback mid-chunk), 64-byte pages.
/// pyarrowGzipRowGroups: gzip, row groups of 16 rows. fastparquetGzip: fastparquet, id and text only.
@Suite("Files written by pyarrow and fastparquet")
struct FixtureTests {
    static let rows = 40

    static func expected(_ name: String) -> [String] {
        let ids = (0..<rows).map { Int64($0) }
        let text = (0..<rows).map { "v\($0 % 7)" }
        let textValid = (0..<rows).map { $0 % 5 != 0 }
        var columns: [ParquetColumn] = [ParquetColumn("id", .int64), ParquetColumn("text", .string)]
        var data = [ParquetColumnData(.int64(ids)), ParquetColumnData(.string(text), validity: textValid)]
        if name != "fastparquetGzip" {
            columns += [
                ParquetColumn("val", .double), ParquetColumn("flag", .boolean),
                ParquetColumn("vec", .floatList(elementsNullable: true)),
            ]
            let values = (0..<rows).map { Double($0) * 0.5 }
            let flags = (0..<rows).map { $0 % 3 == 0 }
            var vectors: [[Float]] = []
            for i in 0..<rows {
                let x = Float(i)
                vectors.append(i % 9 == 0 || i % 10 == 0 ? [] : [x, -x])
            }
            data.append(ParquetColumnData(.double(values), validity: (0..<rows).map { $0 % 6 != 0 }))
            data.append(ParquetColumnData(.boolean(flags), validity: (0..<rows).map { $0 % 4 != 0 }))
            data.append(ParquetColumnData(.floatList(vectors), validity: (0..<rows).map { $0 % 9 != 0 }))
        }
        let table = try! ParquetTable(schema: ParquetSchema(columns), columns: data, rowCount: rows)
        return canonical(table)
    }

    static let files = [
        "pyarrowDefault": Fixtures.pyarrowDefault, "pyarrowV2ZstdFallback": Fixtures.pyarrowV2ZstdFallback,
        "pyarrowGzipRowGroups": Fixtures.pyarrowGzipRowGroups, "fastparquetGzip": Fixtures.fastparquetGzip,
    ]

    @Test(
        "reads every value",
        arguments: ["pyarrowDefault", "pyarrowV2ZstdFallback", "pyarrowGzipRowGroups", "fastparquetGzip"]
    )
    func readsFixture(name: String) throws {
        let base64 = try #require(Self.files[name])
        let bytes = [UInt8](try #require(Data(base64Encoded: base64.replacingOccurrences(of: "\n", with: ""))))
        let table = try ParquetReader.read(bytes)
        #expect(canonical(table) == Self.expected(name))
    }

    @Test("every truncation and a seeded fuzz of the pyarrow file give typed errors")
    func fuzzFixture() throws {
        let bytes = [UInt8](
            try #require(Data(base64Encoded: Fixtures.pyarrowV2ZstdFallback.replacingOccurrences(of: "\n", with: "")))
        )
        for length in stride(from: 0, to: bytes.count, by: 3) {
            #expect(readAcceptingTypedErrors(Array(bytes.prefix(length))) != nil)
        }
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<1500 {
            var mutated = bytes
            for _ in 0..<Int(rng.next() % 3 + 1) {
                mutated[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1) << UInt8(rng.next() % 8)
            }
            _ = readAcceptingTypedErrors(mutated)
        }
    }
}
