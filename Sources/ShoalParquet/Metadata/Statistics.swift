/// Column or page statistics (parquet.thrift `Statistics`).
struct Statistics: Sendable, Hashable {
    /// Deprecated signed-order maximum.
    var max: [UInt8]?
    /// Deprecated signed-order minimum.
    var min: [UInt8]?
    var nullCount: Int64?
    var distinctCount: Int64?
    var maxValue: [UInt8]?
    var minValue: [UInt8]?

    init() {}

    // MARK: - Thrift

    init(thrift reader: inout ThriftCompactReader) throws {
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .binary): max = try reader.readBinary(type)
            case (2, .binary): min = try reader.readBinary(type)
            case (3, .i64): nullCount = try reader.readI64(type)
            case (4, .i64): distinctCount = try reader.readI64(type)
            case (5, .binary): maxValue = try reader.readBinary(type)
            case (6, .binary): minValue = try reader.readBinary(type)
            default: try reader.skip(type)
            }
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            if let nullCount { w.writeI64Field(3, nullCount) }
            if let distinctCount { w.writeI64Field(4, distinctCount) }
            if let maxValue { w.writeBinaryField(5, maxValue) }
            if let minValue { w.writeBinaryField(6, minValue) }
        }
    }
}

/// A key-value metadata pair (parquet.thrift `KeyValue`).
struct KeyValue: Sendable, Hashable {
    var key: String
    var value: String?

    init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var key: String?
        var value: String?
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .binary): key = try reader.readString(type)
            case (2, .binary): value = try reader.readString(type)
            default: try reader.skip(type)
            }
        }
        self.key = try require(key, "KeyValue.key")
        self.value = value
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            w.writeStringField(1, key)
            if let value { w.writeStringField(2, value) }
        }
    }
}
