import ShoalCore

/// A top-level column of a file, resolved to Shoal's model, with what the page decoder needs.
struct ResolvedColumn: Sendable {
    /// The column as Shoal models it.
    var column: ParquetColumn
    /// Index of the column's leaf among all leaves (= index of its ColumnChunk in each row group).
    var leafIndex: Int
    /// The leaf's physical type.
    var physicalType: PhysicalType
    /// FIXED_LEN_BYTE_ARRAY width (0 otherwise).
    var typeLength: Int
    /// Maximum definition level of the leaf.
    var maxDefinitionLevel: Int
    /// Maximum repetition level of the leaf (0 or 1).
    var maxRepetitionLevel: Int
    /// For lists: the definition level at which the list is present but empty.
    var listDefinitionLevel: Int
}

/// Turns the flattened Thrift schema into ``ResolvedColumn``s, rejecting what Shoal does not model.
enum SchemaResolver {
    private struct Node {
        var element: SchemaElement
        var children: [Node]
    }

    private static let maxDepth = 32

    /// Resolves the schema.
    /// - Throws: `.malformedInput` for an inconsistent tree, `.unsupported` naming the column and feature.
    static func resolve(_ elements: [SchemaElement]) throws -> [ResolvedColumn] {
        guard let root = elements.first else { throw ShoalError(.malformedInput, "Parquet schema is empty") }
        var index = 1
        var children: [Node] = []
        let count = try childCount(root, remaining: elements.count - 1)
        for _ in 0..<count { children.append(try parseNode(elements, &index, depth: 1)) }
        guard index == elements.count else {
            throw ShoalError(.malformedInput, "Parquet schema has \(elements.count - index) elements outside the tree")
        }
        var result: [ResolvedColumn] = []
        var leafIndex = 0
        var names = Set<String>()
        for child in children {
            guard names.insert(child.element.name).inserted else {
                throw ShoalError(.unsupported, "column \(child.element.name): duplicate column name")
            }
            result.append(try resolve(child, leafIndex: leafIndex))
            leafIndex += leafCount(child)
        }
        return result
    }

    private static func childCount(_ element: SchemaElement, remaining: Int) throws -> Int {
        let n = Int(element.numChildren ?? 0)
        guard n >= 0, n <= remaining else {
            throw ShoalError(.malformedInput, "Parquet schema element \(element.name) claims \(n) children")
        }
        return n
    }

    private static func parseNode(_ elements: [SchemaElement], _ index: inout Int, depth: Int) throws -> Node {
        guard depth <= maxDepth else {
            throw ShoalError(.limitExceeded, "Parquet schema nested deeper than \(maxDepth)")
        }
        guard index < elements.count else { throw ShoalError(.malformedInput, "Parquet schema tree is truncated") }
        let element = elements[index]
        index += 1
        var node = Node(element: element, children: [])
        if element.numChildren != nil && element.type == nil {
            let n = try childCount(element, remaining: elements.count - index)
            for _ in 0..<n { node.children.append(try parseNode(elements, &index, depth: depth + 1)) }
        } else if element.type == nil {
            throw ShoalError(.malformedInput, "Parquet schema element \(element.name) has neither type nor children")
        }
        return node
    }

    private static func leafCount(_ node: Node) -> Int {
        node.children.isEmpty ? 1 : node.children.reduce(0) { $0 + leafCount($1) }
    }

    private static func repetition(_ element: SchemaElement) throws -> Repetition {
        guard let raw = element.repetition else { return .required }
        guard let value = Repetition(rawValue: raw) else {
            throw ShoalError(.malformedInput, "Parquet schema element \(element.name) has repetition \(raw)")
        }
        return value
    }

    // MARK: - Columns

    private static func resolve(_ node: Node, leafIndex: Int) throws -> ResolvedColumn {
        let name = node.element.name
        let rep = try repetition(node.element)
        if node.element.type != nil {
            guard rep != .repeated else { throw unsupported(name, "repeated field without a LIST annotation") }
            let (type, physical) = try flatType(node.element, column: name)
            return ResolvedColumn(
                column: ParquetColumn(name, type, nullable: rep == .optional),
                leafIndex: leafIndex,
                physicalType: physical,
                typeLength: Int(node.element.typeLength ?? 0),
                maxDefinitionLevel: rep == .optional ? 1 : 0,
                maxRepetitionLevel: 0,
                listDefinitionLevel: 0
            )
        }
        let isList = node.element.logicalType == .list || node.element.convertedType == ConvertedType.list.rawValue
        guard isList else {
            let isMap =
                node.element.logicalType == .map || node.element.convertedType == ConvertedType.map.rawValue
                || node.element.convertedType == ConvertedType.mapKeyValue.rawValue
            throw unsupported(name, isMap ? "MAP" : "nested struct")
        }
        guard rep != .repeated else { throw unsupported(name, "repeated LIST group") }
        guard node.children.count == 1, try repetition(node.children[0].element) == .repeated else {
            throw ShoalError(.malformedInput, "column \(name): LIST group must have one repeated child")
        }
        let listDef = rep == .optional ? 1 : 0
        let repeated = node.children[0]
        let element: SchemaElement
        var maxDef = listDef + 1
        if repeated.element.type != nil {
            // Legacy 2-level list: the repeated field is the element.
            element = repeated.element
        } else if repeated.children.count == 1, repeated.element.name != "array",
            repeated.element.name != "\(name)_tuple"
        {
            // Standard 3-level list.
            let leaf = repeated.children[0]
            guard leaf.element.type != nil else { throw unsupported(name, "list of nested groups") }
            let leafRep = try repetition(leaf.element)
            guard leafRep != .repeated else { throw unsupported(name, "list of repeated elements") }
            if leafRep == .optional { maxDef += 1 }
            element = leaf.element
        } else {
            throw unsupported(name, "list of structs")
        }
        let (elementType, physical) = try flatType(element, column: name)
        guard elementType == .float else { throw unsupported(name, "list<\(elementType)> (only list<float>)") }
        return ResolvedColumn(
            column: ParquetColumn(
                name,
                .floatList(elementsNullable: maxDef > listDef + 1),
                nullable: rep == .optional
            ),
            leafIndex: leafIndex,
            physicalType: physical,
            typeLength: 0,
            maxDefinitionLevel: maxDef,
            maxRepetitionLevel: 1,
            listDefinitionLevel: listDef
        )
    }

    private static func unsupported(_ column: String, _ feature: String) -> ShoalError {
        ShoalError(.unsupported, "column \(column): \(feature) is not supported")
    }
}
