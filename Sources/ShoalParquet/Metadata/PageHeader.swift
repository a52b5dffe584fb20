import ShoalCore

/// Header of a DATA_PAGE (v1).
struct DataPageHeader: Sendable, Hashable {
    var numValues: Int32
    var encoding: Int32
    var definitionLevelEncoding: Int32
    var repetitionLevelEncoding: Int32

    init(numValues: Int32, encoding: Int32, definitionLevelEncoding: Int32, repetitionLevelEncoding: Int32) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var fields: [Int32?] = [nil, nil, nil, nil]
        try reader.readStruct { reader, id, type in
            if (1...4).contains(id), type == .i32 {
                fields[Int(id) - 1] = try reader.readI32(type)
            } else {
                try reader.skip(type)
            }
        }
        numValues = try require(fields[0], "DataPageHeader.num_values")
        encoding = try require(fields[1], "DataPageHeader.encoding")
        definitionLevelEncoding = try require(fields[2], "DataPageHeader.definition_level_encoding")
        repetitionLevelEncoding = try require(fields[3], "DataPageHeader.repetition_level_encoding")
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeI32Field(1, numValues)
            w.writeI32Field(2, encoding)
            w.writeI32Field(3, definitionLevelEncoding)
            w.writeI32Field(4, repetitionLevelEncoding)
        }
    }
}

/// Header of a DATA_PAGE_V2.
struct DataPageHeaderV2: Sendable, Hashable {
    var numValues: Int32
    var numNulls: Int32
    var numRows: Int32
    var encoding: Int32
    var definitionLevelsByteLength: Int32
    var repetitionLevelsByteLength: Int32
    var isCompressed: Bool

    init(thrift reader: inout ThriftCompactReader) throws {
        var fields: [Int32?] = [nil, nil, nil, nil, nil, nil]
        var compressed = true
        try reader.readStruct { reader, id, type in
            if (1...6).contains(id), type == .i32 {
                fields[Int(id) - 1] = try reader.readI32(type)
            } else if id == 7, type == .boolTrue || type == .boolFalse {
                compressed = try reader.readBool(type)
            } else {
                try reader.skip(type)
            }
        }
        numValues = try require(fields[0], "DataPageHeaderV2.num_values")
        numNulls = try require(fields[1], "DataPageHeaderV2.num_nulls")
        numRows = try require(fields[2], "DataPageHeaderV2.num_rows")
        encoding = try require(fields[3], "DataPageHeaderV2.encoding")
        definitionLevelsByteLength = try require(fields[4], "DataPageHeaderV2.definition_levels_byte_length")
        repetitionLevelsByteLength = try require(fields[5], "DataPageHeaderV2.repetition_levels_byte_length")
        isCompressed = compressed
    }
}

/// Header of a DICTIONARY_PAGE.
struct DictionaryPageHeader: Sendable, Hashable {
    var numValues: Int32
    var encoding: Int32

    init(thrift reader: inout ThriftCompactReader) throws {
        var numValues: Int32?
        var encoding: Int32?
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): numValues = try reader.readI32(type)
            case (2, .i32): encoding = try reader.readI32(type)
            default: try reader.skip(type)
            }
        }
        self.numValues = try require(numValues, "DictionaryPageHeader.num_values")
        self.encoding = try require(encoding, "DictionaryPageHeader.encoding")
    }
}

/// A page header (parquet.thrift `PageHeader`).
struct PageHeader: Sendable, Hashable {
    var type: Int32
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var dataPageHeader: DataPageHeader?
    var dictionaryPageHeader: DictionaryPageHeader?
    var dataPageHeaderV2: DataPageHeaderV2?

    init(type: Int32, uncompressedPageSize: Int32, compressedPageSize: Int32, dataPageHeader: DataPageHeader?) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.dataPageHeader = dataPageHeader
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var type: Int32?
        var uncompressed: Int32?
        var compressed: Int32?
        var v1: DataPageHeader?
        var dictionary: DictionaryPageHeader?
        var v2: DataPageHeaderV2?
        try reader.readStruct { reader, id, fieldType in
            switch (id, fieldType) {
            case (1, .i32): type = try reader.readI32(fieldType)
            case (2, .i32): uncompressed = try reader.readI32(fieldType)
            case (3, .i32): compressed = try reader.readI32(fieldType)
            case (5, .struct): v1 = try DataPageHeader(thrift: &reader)
            case (7, .struct): dictionary = try DictionaryPageHeader(thrift: &reader)
            case (8, .struct): v2 = try DataPageHeaderV2(thrift: &reader)
            default: try reader.skip(fieldType)
            }
        }
        self.type = try require(type, "PageHeader.type")
        self.uncompressedPageSize = try require(uncompressed, "PageHeader.uncompressed_page_size")
        self.compressedPageSize = try require(compressed, "PageHeader.compressed_page_size")
        self.dataPageHeader = v1
        self.dictionaryPageHeader = dictionary
        self.dataPageHeaderV2 = v2
        guard uncompressedPageSize >= 0, compressedPageSize >= 0 else {
            throw ShoalError(.malformedInput, "Parquet page header with a negative size")
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeI32Field(1, type)
            w.writeI32Field(2, uncompressedPageSize)
            w.writeI32Field(3, compressedPageSize)
            if let dataPageHeader {
                w.writeFieldStruct(5) { dataPageHeader.write(to: &$0) }
            }
        }
    }
}

extension ThriftCompactWriter {
    /// Writes a struct field whose body writes a full struct value with `writeStruct`.
    mutating func writeFieldStruct(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeStructFieldHeader(id)
        body(&self)
    }
}
