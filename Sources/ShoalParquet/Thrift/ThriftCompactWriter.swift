/// A writer of the Thrift compact protocol, enough for Parquet metadata.
///
/// Fields must be written in increasing id order inside a struct; the writer keeps the field-id context per
/// struct level. The output depends only on the calls made, so it is deterministic.
struct ThriftCompactWriter {
    // MARK: - State

    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0

    /// Creates an empty writer.
    init() {}

    // MARK: - Structs

    /// Writes a nested struct field with `body` writing its fields.
    mutating func writeStructField(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id, .struct)
        writeStruct(body)
    }

    /// Writes a struct value (fields and the stop byte), for top-level structs and list elements.
    mutating func writeStruct(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
        body(&self)
        bytes.append(0)
        lastFieldID = lastFieldIDs.popLast() ?? 0
    }

    /// Writes the header of a struct field whose value the caller then writes with ``writeStruct(_:)``.
    mutating func writeStructFieldHeader(_ id: Int16) {
        writeFieldHeader(id, .struct)
    }

    private mutating func writeFieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigZag(Int64(id))
        }
        lastFieldID = id
    }

    // MARK: - Fields

    /// Writes an i32 field.
    mutating func writeI32Field(_ id: Int16, _ value: Int32) {
        writeFieldHeader(id, .i32)
        writeZigZag(Int64(value))
    }

    /// Writes an i64 field.
    mutating func writeI64Field(_ id: Int16, _ value: Int64) {
        writeFieldHeader(id, .i64)
        writeZigZag(value)
    }

    /// Writes an i16 field.
    mutating func writeI16Field(_ id: Int16, _ value: Int16) {
        writeFieldHeader(id, .i16)
        writeZigZag(Int64(value))
    }

    /// Writes an i8 field.
    mutating func writeI8Field(_ id: Int16, _ value: Int8) {
        writeFieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes a bool field (the value rides in the type nibble).
    mutating func writeBoolField(_ id: Int16, _ value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes a binary field.
    mutating func writeBinaryField(_ id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }

    /// Writes a string field as UTF-8 binary.
    mutating func writeStringField(_ id: Int16, _ value: String) {
        writeBinaryField(id, Array(value.utf8))
    }

    /// Writes a list field with `count` elements of `elementType`; `body` writes the elements.
    mutating func writeListField(
        _ id: Int16,
        elementType: ThriftType,
        count: Int,
        _ body: (inout ThriftCompactWriter) -> Void
    ) {
        writeFieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
        body(&self)
    }

    // MARK: - Raw values

    /// Writes a zigzag varint (an i16/i32/i64 list element or field value).
    mutating func writeZigZag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes a length-prefixed binary value (a list element or field value).
    mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes an unsigned LEB128 varint.
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
