import Foundation
import ShoalCore
import ShoalParquet

// Test-only driver for scripts/parquet-crosscheck.sh and the throughput benchmark.
//   ShoalParquetCrossCheck write DIR   writes <case>.<codec>.parquet + .json (expected values) into DIR
//   ShoalParquetCrossCheck read DIR    reads every DIR/*.parquet, compares with its .json, one line per case
//   ShoalParquetCrossCheck shards DIR  writes shards + expected values, manifests, random files and cids.json
//   ShoalParquetCrossCheck bench MB    writes and reads ~MB megabytes of int64/double/string columns
//   ShoalParquetCrossCheck fuzz SECONDS [CORPUS]  mutation-fuzzes the reader for SECONDS (see Fuzz.swift)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 3 || (arguments.count == 4 && arguments[1] == "fuzz") else {
    fail("usage: ShoalParquetCrossCheck write|read|shards|bench|fuzz ARG")
}

switch arguments[1] {
case "write":
    let dir = URL(fileURLWithPath: arguments[2])
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var count = 0
    for (name, table) in try SampleTables.all() {
        for codec in ParquetCompression.allCases {
            let bytes = try ParquetWriter.write(table, options: ParquetWriteOptions(compression: codec))
            let again = try ParquetWriter.write(table, options: ParquetWriteOptions(compression: codec))
            guard bytes == again else { fail("\(name).\(codec): output is not deterministic") }
            let base = dir.appendingPathComponent("\(name).\(codec.rawValue)")
            try Data(bytes).write(to: base.appendingPathExtension("parquet"))
            try TableJSON.data(TableJSON.encode(table)).write(to: base.appendingPathExtension("json"))
            count += 1
        }
    }
    print("wrote \(count) files to \(dir.path)")
case "read":
    let dir = URL(fileURLWithPath: arguments[2])
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".parquet") }
        .sorted()
    var passed = 0
    var failed = 0
    for name in names {
        let file = dir.appendingPathComponent(name)
        let expectedURL = file.deletingPathExtension().appendingPathExtension("json")
        guard let expectedData = try? Data(contentsOf: expectedURL),
            let expected = try JSONSerialization.jsonObject(with: expectedData) as? [String: Any]
        else {
            print("FAIL python->swift \(name): no expected JSON")
            failed += 1
            continue
        }
        let bytes = [UInt8](try Data(contentsOf: file))
        var verdict: String?
        do {
            let table = try ParquetReader.read(bytes)
            if let error = expected["error"] as? String {
                verdict = "expected error \(error), read \(table.rowCount) rows"
            } else {
                verdict = TableJSON.difference(table, expected: expected)
            }
        } catch let error as ShoalError {
            if let code = expected["error"] as? String, let column = expected["column"] as? String {
                if "\(error.code)" != code || !error.message.contains("column \(column)") {
                    verdict = "expected \(code) naming column \(column), got \(error)"
                }
            } else {
                verdict = "\(error)"
            }
        }
        if let verdict {
            print("FAIL python->swift \(name): \(verdict)")
            failed += 1
        } else {
            let note = (expected["error"] as? String).map { " (rejected: \($0))" } ?? ""
            print("PASS python->swift \(name)\(note)")
            passed += 1
        }
    }
    print("swift-reader: \(passed) passed, \(failed) failed")
    exit(failed == 0 ? 0 : 1)
case "shards":
    try ShardCases.write(to: URL(fileURLWithPath: arguments[2]))
case "bench":
    guard let megabytes = Int(arguments[2]), megabytes > 0 else { fail("bench needs a size in MB") }
    try Benchmark.run(megabytes: megabytes)
case "fuzz":
    guard let seconds = Double(arguments[2]), seconds > 0 else { fail("fuzz needs a duration in seconds") }
    let corpus = URL(fileURLWithPath: arguments.count == 4 ? arguments[3] : ".build/parquet-fuzz-corpus")
    try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
    try Fuzz.run(seconds: seconds, corpus: corpus)
default:
    fail("unknown command \(arguments[1])")
}
