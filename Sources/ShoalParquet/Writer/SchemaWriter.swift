/// Turns a ``ParquetSchema`` into the flattened Thrift schema elements and leaf paths.
enum SchemaWriter {
    /// The schema elements, root first, in depth-first order.
    static func elements(for schema: ParquetSchema) -> [SchemaElement] {
        var root = SchemaElement()
        root.name = "schema"
        root.numChildren = Int32(schema.columns.count)
        var result = [root]
        for column in schema.columns {
            let repetition = column.nullable ? Repetition.optional : Repetition.required
            var element = SchemaElement()
            element.name = column.name
            element.repetition = repetition.rawValue
            switch column.type {
            case .boolean: element.type = PhysicalType.boolean.rawValue
            case .int32: element.type = PhysicalType.int32.rawValue
            case .int64: element.type = PhysicalType.int64.rawValue
            case .float: element.type = PhysicalType.float.rawValue
            case .double: element.type = PhysicalType.double.rawValue
            case .string:
                element.type = PhysicalType.byteArray.rawValue
                element.convertedType = ConvertedType.utf8.rawValue
                element.logicalType = .string
            case .binary: element.type = PhysicalType.byteArray.rawValue
            case .fixedLengthBinary(let width):
                element.type = PhysicalType.fixedLenByteArray.rawValue
                element.typeLength = Int32(clamping: width)
            case .floatList(let elementsNullable):
                // optional|required group <name> (LIST) { repeated group list { optional|required float element } }
                element.numChildren = 1
                element.convertedType = ConvertedType.list.rawValue
                element.logicalType = .list
                var list = SchemaElement()
                list.name = "list"
                list.repetition = Repetition.repeated.rawValue
                list.numChildren = 1
                var leaf = SchemaElement()
                leaf.name = "element"
                leaf.type = PhysicalType.float.rawValue
                leaf.repetition = (elementsNullable ? Repetition.optional : Repetition.required).rawValue
                result.append(contentsOf: [element, list, leaf])
                continue
            }
            result.append(element)
        }
        return result
    }

    /// The leaf path of a column.
    static func path(for column: ParquetColumn) -> [String] {
        if case .floatList = column.type { return [column.name, "list", "element"] }
        return [column.name]
    }

    /// The physical type of a column's leaf.
    static func physicalType(for type: ParquetColumnType) -> PhysicalType {
        switch type {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .float, .floatList: return .float
        case .double: return .double
        case .string, .binary: return .byteArray
        case .fixedLengthBinary: return .fixedLenByteArray
        }
    }
}
