import ShoalCore

/// Column chunk metadata (parquet.thrift `ColumnMetaData`).
struct ColumnMetaData: Sendable, Hashable {
    var type: Int32 = 0
    var encodings: [Int32] = []
    var pathInSchema: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var indexPageOffset: Int64?
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?

    init() {}

    init(thrift reader: inout ThriftCompactReader) throws {
        var seen = Set<Int16>()
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): self.type = try reader.readI32(type)
            case (2, .list): encodings = try reader.readList(type) { try $0.readI32($1) }
            case (3, .list): pathInSchema = try reader.readList(type) { try $0.readString($1) }
            case (4, .i32): codec = try reader.readI32(type)
            case (5, .i64): numValues = try reader.readI64(type)
            case (6, .i64): totalUncompressedSize = try reader.readI64(type)
            case (7, .i64): totalCompressedSize = try reader.readI64(type)
            case (9, .i64): dataPageOffset = try reader.readI64(type)
            case (10, .i64): indexPageOffset = try reader.readI64(type)
            case (11, .i64): dictionaryPageOffset = try reader.readI64(type)
            case (12, .struct): statistics = try Statistics(thrift: &reader)
            default:
                try reader.skip(type)
                return
            }
            seen.insert(id)
        }
        for required: Int16 in [1, 2, 3, 4, 5, 6, 7, 9] where !seen.contains(required) {
            throw ShoalError(.malformedInput, "Parquet metadata: ColumnMetaData field \(required) is missing")
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeI32Field(1, type)
            w.writeListField(2, elementType: .i32, count: encodings.count) { l in
                for e in encodings { l.writeZigZag(Int64(e)) }
            }
            w.writeListField(3, elementType: .binary, count: pathInSchema.count) { l in
                for p in pathInSchema { l.writeBinary(Array(p.utf8)) }
            }
            w.writeI32Field(4, codec)
            w.writeI64Field(5, numValues)
            w.writeI64Field(6, totalUncompressedSize)
            w.writeI64Field(7, totalCompressedSize)
            w.writeI64Field(9, dataPageOffset)
            if let dictionaryPageOffset { w.writeI64Field(11, dictionaryPageOffset) }
            if let statistics {
                w.writeStructFieldHeader(12)
                statistics.write(to: &w)
            }
        }
    }
}

/// A column chunk within a row group (parquet.thrift `ColumnChunk`).
struct ColumnChunk: Sendable, Hashable {
    var filePath: String?
    var fileOffset: Int64 = 0
    var metaData: ColumnMetaData?
    /// True when the chunk carries crypto metadata or encrypted column metadata.
    var isEncrypted = false

    init() {}

    init(thrift reader: inout ThriftCompactReader) throws {
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .binary): filePath = try reader.readString(type)
            case (2, .i64): fileOffset = try reader.readI64(type)
            case (3, .struct): metaData = try ColumnMetaData(thrift: &reader)
            case (8, _), (9, _):
                isEncrypted = true
                try reader.skip(type)
            default: try reader.skip(type)
            }
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeI64Field(2, fileOffset)
            if let metaData {
                w.writeStructFieldHeader(3)
                metaData.write(to: &w)
            }
        }
    }
}

/// A row group (parquet.thrift `RowGroup`).
struct RowGroup: Sendable, Hashable {
    var columns: [ColumnChunk] = []
    var totalByteSize: Int64 = 0
    var numRows: Int64 = 0
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?

    init() {}

    init(thrift reader: inout ThriftCompactReader) throws {
        var hasRows = false
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .list):
                columns = try reader.readList(type) { r, t in
                    guard t == .struct else { throw ShoalError(.malformedInput, "RowGroup.columns: not structs") }
                    return try ColumnChunk(thrift: &r)
                }
            case (2, .i64): totalByteSize = try reader.readI64(type)
            case (3, .i64):
                numRows = try reader.readI64(type)
                hasRows = true
            case (5, .i64): fileOffset = try reader.readI64(type)
            case (6, .i64): totalCompressedSize = try reader.readI64(type)
            case (7, .i16): ordinal = Int16(truncatingIfNeeded: try reader.readI64(type))
            default: try reader.skip(type)
            }
        }
        guard hasRows else { throw ShoalError(.malformedInput, "Parquet metadata: RowGroup.num_rows is missing") }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeListField(1, elementType: .struct, count: columns.count) { l in
                for c in columns { c.write(to: &l) }
            }
            w.writeI64Field(2, totalByteSize)
            w.writeI64Field(3, numRows)
            if let fileOffset { w.writeI64Field(5, fileOffset) }
            if let totalCompressedSize { w.writeI64Field(6, totalCompressedSize) }
            if let ordinal { w.writeI16Field(7, ordinal) }
        }
    }
}

/// The file footer (parquet.thrift `FileMetaData`).
struct FileMetaData: Sendable, Hashable {
    var version: Int32 = 2
    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroup] = []
    var keyValueMetadata: [KeyValue]?
    var createdBy: String?
    /// Number of `ColumnOrder` entries to write as TYPE_ORDER (one per leaf column).
    var typeDefinedColumnOrders = 0
    /// True when the footer names an encryption algorithm (plaintext-footer encrypted file).
    var isEncrypted = false

    init() {}

    init(thrift reader: inout ThriftCompactReader, limits: ParquetReadLimits) throws {
        var seen = Set<Int16>()
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): version = try reader.readI32(type)
            case (2, .list):
                let (elementType, count) = try reader.readListHeader(type)
                guard count <= limits.maxSchemaElements else {
                    throw ShoalError(
                        .limitExceeded,
                        "Parquet schema has \(count) elements (limit \(limits.maxSchemaElements))"
                    )
                }
                guard elementType == .struct || count == 0 else {
                    throw ShoalError(.malformedInput, "FileMetaData.schema: not structs")
                }
                for _ in 0..<count { schema.append(try SchemaElement(thrift: &reader)) }
            case (3, .i64): numRows = try reader.readI64(type)
            case (4, .list):
                let (elementType, count) = try reader.readListHeader(type)
                guard count <= limits.maxRowGroups else {
                    throw ShoalError(
                        .limitExceeded,
                        "Parquet file has \(count) row groups (limit \(limits.maxRowGroups))"
                    )
                }
                guard elementType == .struct || count == 0 else {
                    throw ShoalError(.malformedInput, "FileMetaData.row_groups: not structs")
                }
                for _ in 0..<count { rowGroups.append(try RowGroup(thrift: &reader)) }
            case (5, .list):
                keyValueMetadata = try reader.readList(type) { r, t in
                    guard t == .struct else { throw ShoalError(.malformedInput, "key_value_metadata: not structs") }
                    return try KeyValue(thrift: &r)
                }
            case (6, .binary): createdBy = try reader.readString(type)
            case (8, _):
                isEncrypted = true
                try reader.skip(type)
            default:
                try reader.skip(type)
                return
            }
            seen.insert(id)
        }
        for required: Int16 in [1, 2, 3, 4] where !seen.contains(required) {
            throw ShoalError(.malformedInput, "Parquet metadata: FileMetaData field \(required) is missing")
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeI32Field(1, version)
            w.writeListField(2, elementType: .struct, count: schema.count) { l in
                for element in schema { element.write(to: &l) }
            }
            w.writeI64Field(3, numRows)
            w.writeListField(4, elementType: .struct, count: rowGroups.count) { l in
                for group in rowGroups { group.write(to: &l) }
            }
            if let keyValueMetadata, !keyValueMetadata.isEmpty {
                w.writeListField(5, elementType: .struct, count: keyValueMetadata.count) { l in
                    for kv in keyValueMetadata { kv.write(to: &l) }
                }
            }
            if let createdBy { w.writeStringField(6, createdBy) }
            if typeDefinedColumnOrders > 0 {
                // ColumnOrder is a union whose member 1 (TYPE_ORDER) is the empty TypeDefinedOrder struct.
                w.writeListField(7, elementType: .struct, count: typeDefinedColumnOrders) { l in
                    for _ in 0..<typeDefinedColumnOrders {
                        l.writeStruct { u in u.writeStructField(1) { _ in } }
                    }
                }
            }
        }
    }
}
