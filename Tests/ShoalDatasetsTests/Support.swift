import Foundation
import ShoalCore
import ShoalDatasets

#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/shoal-datasets-test-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Reads every batch of a CSV text.
func readCSV(
    _ text: String,
    schema: String?,
    options: IngestOptions = IngestOptions(),
    chunkSize: Int = 1 << 16
) throws -> (tables: [DatasetTable], report: IngestReport, schema: DatasetSchema?) {
    var reader = CSVTableReader(
        source: MemoryByteSource(Array(text.utf8), chunkSize: chunkSize),
        schema: try schema.map { try DatasetSchema(parsing: $0) },
        options: options,
        sourceName: "input.csv"
    )
    var tables: [DatasetTable] = []
    while let batch = try reader.nextBatch() { tables.append(batch) }
    return (tables, reader.report, reader.schema)
}

/// Reads every batch of a JSON Lines text.
func readJSONL(
    _ text: String,
    schema: String?,
    options: IngestOptions = IngestOptions(),
    chunkSize: Int = 1 << 16
) throws -> (tables: [DatasetTable], report: IngestReport, schema: DatasetSchema?) {
    var reader = JSONLinesTableReader(
        source: MemoryByteSource(Array(text.utf8), chunkSize: chunkSize),
        schema: try schema.map { try DatasetSchema(parsing: $0) },
        options: options,
        sourceName: "input.jsonl"
    )
    var tables: [DatasetTable] = []
    while let batch = try reader.nextBatch() { tables.append(batch) }
    return (tables, reader.report, reader.schema)
}

/// All rows of several tables.
func allRows(_ tables: [DatasetTable]) -> [[DatasetValue]] {
    tables.flatMap { t in (0..<t.rowCount).map { t.row($0) } }
}

/// The error a throwing expression raised, as a ShoalError.
func shoalError(_ body: () throws -> Void) -> ShoalError? {
    do {
        try body()
        return nil
    } catch let error as ShoalError {
        return error
    } catch {
        return ShoalError(.internalError, "unexpected error \(error)")
    }
}
