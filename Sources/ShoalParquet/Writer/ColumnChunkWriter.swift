import ShoalCore

/// Writes one column chunk: DATA_PAGE v1 pages with PLAIN values and RLE levels, split at row boundaries.
struct ColumnChunkWriter {
    let column: ParquetColumn
    let data: ParquetColumnData
    let options: ParquetWriteOptions

    /// The maximum definition level (0 for required flat columns).
    var maxDefinitionLevel: Int {
        switch column.type {
        case .floatList(let elementsNullable): return (column.nullable ? 1 : 0) + 1 + (elementsNullable ? 1 : 0)
        default: return column.nullable ? 1 : 0
        }
    }

    /// The maximum repetition level (1 for lists).
    var maxRepetitionLevel: Int {
        if case .floatList = column.type { return 1 }
        return 0
    }

    // MARK: - Writing

    /// Appends the chunk's pages to `file` and returns the chunk metadata.
    func write(into file: inout [UInt8]) throws -> ColumnMetaData {
        var meta = ColumnMetaData()
        meta.type = SchemaWriter.physicalType(for: column.type).rawValue
        meta.pathInSchema = SchemaWriter.path(for: column)
        meta.codec = options.compression.thriftValue
        meta.encodings = maxDefinitionLevel > 0 ? [PageEncoding.plain.rawValue, PageEncoding.rle.rawValue] : [0]
        meta.dataPageOffset = Int64(file.count)
        var leafNulls = 0
        for rows in pageRanges() {
            var levelsCount = 0
            var body: [UInt8] = []
            if maxRepetitionLevel > 0 || maxDefinitionLevel > 0 {
                let (repetition, definition) = levels(rows: rows)
                levelsCount = definition.count
                leafNulls += definition.reduce(0) { $0 + ($1 < UInt32(maxDefinitionLevel) ? 1 : 0) }
                if maxRepetitionLevel > 0 { appendLevels(repetition, maxLevel: maxRepetitionLevel, into: &body) }
                if maxDefinitionLevel > 0 { appendLevels(definition, maxLevel: maxDefinitionLevel, into: &body) }
            } else {
                levelsCount = rows.count
            }
            if case .fixedLengthBinary = column.type, case .binary(let v) = data.values {
                PlainEncoder.encodeFixedBinary(v, validity: data.validity, rows: rows, into: &body)
            } else {
                PlainEncoder.encode(data.values, validity: data.validity, rows: rows, into: &body)
            }
            let compressed = try options.compression.compress(body)
            guard let uncompressedSize = Int32(exactly: body.count),
                let compressedSize = Int32(exactly: compressed.count),
                let pageValues = Int32(exactly: levelsCount)
            else {
                throw ShoalError(.limitExceeded, "column \(column.name): a page exceeds 2 GiB")
            }
            let header = PageHeader(
                type: PageType.dataPage.rawValue,
                uncompressedPageSize: uncompressedSize,
                compressedPageSize: compressedSize,
                dataPageHeader: DataPageHeader(
                    numValues: pageValues,
                    encoding: PageEncoding.plain.rawValue,
                    definitionLevelEncoding: PageEncoding.rle.rawValue,
                    repetitionLevelEncoding: PageEncoding.rle.rawValue
                )
            )
            var headerWriter = ThriftCompactWriter()
            header.write(to: &headerWriter)
            file.append(contentsOf: headerWriter.bytes)
            file.append(contentsOf: compressed)
            meta.numValues += Int64(levelsCount)
            meta.totalUncompressedSize += Int64(headerWriter.bytes.count + body.count)
            meta.totalCompressedSize += Int64(headerWriter.bytes.count + compressed.count)
        }
        if options.writeStatistics {
            let nulls = maxRepetitionLevel > 0 ? leafNulls : data.nullCount
            meta.statistics = StatisticsBuilder.statistics(for: data, nullCount: nulls)
        }
        return meta
    }

    // MARK: - Pages

    /// Row ranges of at most about `options.dataPageSize` value bytes each (at least one row per page).
    func pageRanges() -> [Range<Int>] {
        let rows = data.count
        guard rows > 0 else { return [] }
        let target = max(options.dataPageSize, 1)
        var estimate: (Int) -> Int
        switch data.values {
        case .boolean: estimate = { _ in 1 }
        case .int32, .float: estimate = { _ in 4 }
        case .int64, .double: estimate = { _ in 8 }
        case .string(let v): estimate = { 4 + v[$0].utf8.count }
        case .binary(let v): estimate = { 4 + v[$0].count }
        case .floatList(let v): estimate = { 2 + 4 * v[$0].count }
        }
        var ranges: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for row in 0..<rows {
            bytes += estimate(row)
            if bytes >= target {
                ranges.append(start..<row + 1)
                start = row + 1
                bytes = 0
            }
        }
        if start < rows { ranges.append(start..<rows) }
        return ranges
    }

    // MARK: - Levels

    /// Repetition and definition levels of the leaf entries of `rows`.
    func levels(rows: Range<Int>) -> (repetition: [UInt32], definition: [UInt32]) {
        let maxDef = UInt32(maxDefinitionLevel)
        guard case .floatList(let lists) = data.values else {
            let definition = rows.map { data.isNull($0) ? 0 : maxDef }
            return ([], definition)
        }
        var repetition: [UInt32] = []
        var definition: [UInt32] = []
        let emptyLevel: UInt32 = column.nullable ? 1 : 0
        for row in rows {
            if data.isNull(row) {
                repetition.append(0)
                definition.append(0)
            } else if lists[row].isEmpty {
                repetition.append(0)
                definition.append(emptyLevel)
            } else {
                repetition.append(0)
                repetition.append(contentsOf: repeatElement(1, count: lists[row].count - 1))
                definition.append(contentsOf: repeatElement(maxDef, count: lists[row].count))
            }
        }
        return (repetition, definition)
    }

    private func appendLevels(_ levels: [UInt32], maxLevel: Int, into body: inout [UInt8]) {
        var encoded: [UInt8] = []
        RLEHybrid.encode(levels, bitWidth: RLEHybrid.bitWidth(forMax: maxLevel), into: &encoded)
        let n = UInt32(encoded.count)
        body.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)])
        body.append(contentsOf: encoded)
    }
}
