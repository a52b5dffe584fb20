import ShoalCore

/// Turns a ``LeafAccumulator`` (levels + non-null values) into per-row ``ParquetColumnData``.
enum ColumnAssembler {
    /// Assembles `rows` rows of `column`.
    static func assemble(_ acc: LeafAccumulator, column: ResolvedColumn, rows: Int) throws -> ParquetColumnData {
        let name = column.column.name
        func malformed(_ what: String) -> ShoalError { ShoalError(.malformedInput, "column \(name): \(what)") }
        if case .floatList = column.column.type {
            return try assembleList(acc, column: column, rows: rows, malformed)
        }
        var validity: [Bool]?
        if column.maxDefinitionLevel > 0 {
            guard acc.definitionLevels.count == rows else {
                throw malformed("\(acc.definitionLevels.count) levels for \(rows) rows")
            }
            let defined = UInt8(column.maxDefinitionLevel)
            let mask = acc.definitionLevels.map { $0 == defined }
            let validCount = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
            guard validCount == acc.values.count else {
                throw malformed("\(acc.values.count) values for \(validCount) non-null rows")
            }
            if validCount < rows { validity = mask }
        } else {
            guard acc.values.count == rows else { throw malformed("\(acc.values.count) values for \(rows) rows") }
        }
        let values = try convert(acc.values, type: column.column.type, validity: validity, name: name)
        return ParquetColumnData(values, validity: validity)
    }

    // MARK: - Flat values

    private static func spread<T>(_ values: [T], _ validity: [Bool]?, _ placeholder: T) -> [T] {
        guard let validity else { return values }
        var result: [T] = []
        result.reserveCapacity(validity.count)
        var next = 0
        for valid in validity {
            if valid {
                result.append(values[next])
                next += 1
            } else {
                result.append(placeholder)
            }
        }
        return result
    }

    private static func convert(
        _ leaf: LeafValues,
        type: ParquetColumnType,
        validity: [Bool]?,
        name: String
    ) throws -> ParquetColumnValues {
        switch (leaf, type) {
        case (.boolean(let v), _): return .boolean(spread(v, validity, false))
        case (.int32(let v), _): return .int32(spread(v, validity, 0))
        case (.int64(let v), _): return .int64(spread(v, validity, 0))
        case (.float(let v), _): return .float(spread(v, validity, 0))
        case (.double(let v), _): return .double(spread(v, validity, 0))
        case (.bytes(let b), .string):
            var strings: [String] = []
            strings.reserveCapacity(b.count)
            try b.data.withUnsafeBufferPointer { data in
                for i in 0..<b.count {
                    let slice = UnsafeBufferPointer(rebasing: data[b.offsets[i]..<b.offsets[i + 1]])
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw ShoalError(.malformedInput, "column \(name): value \(i) is not valid UTF-8")
                    }
                    strings.append(s)
                }
            }
            return .string(spread(strings, validity, ""))
        case (.bytes(let b), _):
            let arrays = (0..<b.count).map { Array(b.data[b.offsets[$0]..<b.offsets[$0 + 1]]) }
            return .binary(spread(arrays, validity, []))
        }
    }

    // MARK: - Lists

    private static func assembleList(
        _ acc: LeafAccumulator,
        column: ResolvedColumn,
        rows: Int,
        _ malformed: (String) -> ShoalError
    ) throws -> ParquetColumnData {
        guard case .float(let elements) = acc.values else { throw malformed("list leaf is not FLOAT") }
        let defs = acc.definitionLevels
        let reps = acc.repetitionLevels
        guard defs.count == reps.count else { throw malformed("level counts differ") }
        let maxDef = UInt8(column.maxDefinitionLevel)
        let listDef = UInt8(column.listDefinitionLevel)
        var lists: [[Float]] = []
        lists.reserveCapacity(rows)
        var validity: [Bool] = []
        validity.reserveCapacity(rows)
        var next = 0
        for i in defs.indices {
            let def = defs[i]
            if reps[i] == 0 {
                guard lists.count < rows else { throw malformed("more list rows than the row group's \(rows)") }
                lists.append([])
                validity.append(def >= listDef)
            } else {
                guard !lists.isEmpty, validity[lists.count - 1], def > listDef else {
                    throw malformed("repetition level continues a null or empty list")
                }
            }
            if def == maxDef {
                guard next < elements.count else { throw malformed("fewer elements than levels") }
                lists[lists.count - 1].append(elements[next])
                next += 1
            } else if def > listDef {
                throw ShoalError(.unsupported, "column \(column.column.name): null list elements are not supported")
            }
        }
        guard lists.count == rows, next == elements.count else {
            throw malformed("\(lists.count) list rows and \(elements.count - next) spare elements for \(rows) rows")
        }
        let hasNull = validity.contains(false)
        return ParquetColumnData(.floatList(lists), validity: hasNull ? validity : nil)
    }
}
