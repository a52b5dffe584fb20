import ShoalCore

/// One node of the flattened Parquet schema tree (parquet.thrift `SchemaElement`).
struct SchemaElement: Sendable, Hashable {
    var type: Int32?
    var typeLength: Int32?
    var repetition: Int32?
    var name: String = ""
    var numChildren: Int32?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?
    var fieldID: Int32?
    var logicalType: LogicalType?

    init() {}

    // MARK: - Thrift

    init(thrift reader: inout ThriftCompactReader) throws {
        var hasName = false
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): self.type = try reader.readI32(type)
            case (2, .i32): typeLength = try reader.readI32(type)
            case (3, .i32): repetition = try reader.readI32(type)
            case (4, .binary):
                name = try reader.readString(type)
                hasName = true
            case (5, .i32): numChildren = try reader.readI32(type)
            case (6, .i32): convertedType = try reader.readI32(type)
            case (7, .i32): scale = try reader.readI32(type)
            case (8, .i32): precision = try reader.readI32(type)
            case (9, .i32): fieldID = try reader.readI32(type)
            case (10, .struct): logicalType = try LogicalType(thrift: &reader)
            default: try reader.skip(type)
            }
        }
        guard hasName else { throw ShoalError(.malformedInput, "Parquet schema element without a name") }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct { w in
            if let type { w.writeI32Field(1, type) }
            if let typeLength { w.writeI32Field(2, typeLength) }
            if let repetition { w.writeI32Field(3, repetition) }
            w.writeStringField(4, name)
            if let numChildren { w.writeI32Field(5, numChildren) }
            if let convertedType { w.writeI32Field(6, convertedType) }
            if let logicalType {
                w.writeStructField(10) { u in logicalType.write(to: &u) }
            }
        }
    }
}

extension LogicalType {
    /// Reads the union: exactly one member struct is expected; extra members are ignored.
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: LogicalType?
        try reader.readStruct { reader, id, type in
            guard type == .struct else {
                try reader.skip(type)
                return
            }
            var member: LogicalType
            switch id {
            case 1: member = .string
            case 2: member = .map
            case 3: member = .list
            case 4: member = .enum
            case 5: member = .decimal
            case 6: member = .date
            case 7: member = .time
            case 8: member = .timestamp
            case 11: member = .unknown
            case 12: member = .json
            case 13: member = .bson
            case 14: member = .uuid
            case 15: member = .float16
            case 10:
                var bitWidth: Int8 = 0
                var signed = true
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (1, .byte): bitWidth = Int8(truncatingIfNeeded: try reader.readI32(type))
                    case (2, .boolTrue), (2, .boolFalse): signed = try reader.readBool(type)
                    default: try reader.skip(type)
                    }
                }
                member = .integer(bitWidth: bitWidth, signed: signed)
                if result == nil { result = member }
                return
            default: member = .other(id)
            }
            try reader.skip(.struct)
            if result == nil { result = member }
        }
        guard let result else { throw ShoalError(.malformedInput, "Parquet LogicalType union with no member") }
        self = result
    }

    /// The union member's field id.
    var memberID: Int16 {
        switch self {
        case .string: return 1
        case .map: return 2
        case .list: return 3
        case .enum: return 4
        case .decimal: return 5
        case .date: return 6
        case .time: return 7
        case .timestamp: return 8
        case .integer: return 10
        case .unknown: return 11
        case .json: return 12
        case .bson: return 13
        case .uuid: return 14
        case .float16: return 15
        case .other(let id): return id
        }
    }

    /// Writes the union. Members with parameters other than INTEGER (DECIMAL, TIME, TIMESTAMP) are written
    /// without them; Shoal's writer only produces STRING and LIST.
    func write(to writer: inout ThriftCompactWriter) {
        if case .integer(let bitWidth, let signed) = self {
            writer.writeStructField(10) { w in
                w.writeI8Field(1, bitWidth)
                w.writeBoolField(2, signed)
            }
        } else {
            writer.writeStructField(memberID) { _ in }
        }
    }
}
