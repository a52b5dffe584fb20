// MARK: - Thrift enums of parquet.thrift (values as on the wire)

/// Parquet physical types.
enum PhysicalType: Int32, Sendable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}

/// Field repetition.
enum Repetition: Int32, Sendable {
    case required = 0
    case optional = 1
    case repeated = 2
}

/// Value and level encodings.
enum PageEncoding: Int32, Sendable {
    case plain = 0
    case plainDictionary = 2
    case rle = 3
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    case rleDictionary = 8
    case byteStreamSplit = 9
}

/// Page kinds.
enum PageType: Int32, Sendable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}

/// Converted (legacy logical) types that Shoal recognises.
enum ConvertedType: Int32, Sendable {
    case utf8 = 0
    case map = 1
    case mapKeyValue = 2
    case list = 3
    case `enum` = 4
    case decimal = 5
    case date = 6
    case timeMillis = 7
    case timeMicros = 8
    case timestampMillis = 9
    case timestampMicros = 10
    case uint8 = 11
    case uint16 = 12
    case uint32 = 13
    case uint64 = 14
    case int8 = 15
    case int16 = 16
    case int32 = 17
    case int64 = 18
    case json = 19
    case bson = 20
    case interval = 21
}

/// The `LogicalType` union, reduced to the members Shoal distinguishes.
enum LogicalType: Sendable, Hashable {
    case string
    case map
    case list
    case `enum`
    case decimal
    case date
    case time
    case timestamp
    /// INTEGER(bitWidth, isSigned).
    case integer(bitWidth: Int8, signed: Bool)
    case unknown
    case json
    case bson
    case uuid
    case float16
    /// A union member this reader does not know, by field id.
    case other(Int16)
}

/// Name of a physical type for error messages.
func describe(physicalType raw: Int32) -> String {
    switch PhysicalType(rawValue: raw) {
    case .boolean: return "BOOLEAN"
    case .int32: return "INT32"
    case .int64: return "INT64"
    case .int96: return "INT96"
    case .float: return "FLOAT"
    case .double: return "DOUBLE"
    case .byteArray: return "BYTE_ARRAY"
    case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
    case nil: return "physical type \(raw)"
    }
}
