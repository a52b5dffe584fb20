import ShoalCore
import Testing

@testable import ShoalParquet

@Suite("Unsupported features give errors naming the column and the feature")
struct UnsupportedTests {
    /// A two-column file (`a` int64, `b` the column under test) whose footer `edit` changes.
    private func rejected(_ edit: (inout FileMetaData) -> Void, feature: String) throws {
        let table = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("a", .int64), ParquetColumn("b", .int32)]),
            columns: [ParquetColumnData(.int64([1, 2])), ParquetColumnData(.int32([3, 4]))]
        )
        let file = try ParquetWriter.write(table)
        var meta = try ParquetReader.readMetadata(file, limits: .default)
        edit(&meta)
        let error = expectShoalError([.unsupported]) { _ = try ParquetReader.read(assemble(dataRegion(file), meta)) }
        #expect(error?.message.contains("column b") == true, "\(String(describing: error))")
        #expect(error?.message.contains(feature) == true, "\(String(describing: error))")
    }

    @Test("INT96, DECIMAL, DATE, unsigned 64-bit, unknown logical types")
    func annotations() throws {
        try rejected({ $0.schema[2].type = PhysicalType.int96.rawValue }, feature: "INT96")
        try rejected({ $0.schema[2].convertedType = ConvertedType.decimal.rawValue }, feature: "decimal")
        try rejected({ $0.schema[2].logicalType = .date }, feature: "date")
        try rejected({ $0.schema[2].logicalType = .integer(bitWidth: 32, signed: false) }, feature: "integer")
        try rejected({ $0.schema[2].logicalType = .other(17) }, feature: "other(17)")
    }

    @Test("nested structs, maps and repeated fields")
    func nesting() throws {
        func group(_ meta: inout FileMetaData, converted: ConvertedType?) {
            var leaf = meta.schema[2]
            leaf.name = "x"
            var group = SchemaElement()
            group.name = "b"
            group.repetition = Repetition.optional.rawValue
            group.numChildren = 1
            group.convertedType = converted?.rawValue
            meta.schema[2] = group
            meta.schema.append(leaf)
        }
        try rejected({ group(&$0, converted: nil) }, feature: "nested struct")
        try rejected({ group(&$0, converted: .map) }, feature: "MAP")
        try rejected({ $0.schema[2].repetition = Repetition.repeated.rawValue }, feature: "repeated")
    }

    @Test("codecs and encodings Shoal does not implement")
    func codecsAndEncodings() throws {
        try rejected({ $0.rowGroups[0].columns[1].metaData?.codec = 4 }, feature: "BROTLI")
        try rejected({ $0.rowGroups[0].columns[1].metaData?.codec = 7 }, feature: "LZ4_RAW")
    }

    @Test("an encrypted footer (PARE magic) is named")
    func encryption() throws {
        var file = try ParquetWriter.write(
            try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .int64)]),
                columns: [ParquetColumnData(.int64([1]))]
            )
        )
        file.replaceSubrange((file.count - 4)..., with: Array("PARE".utf8))
        let error = expectShoalError([.unsupported]) { _ = try ParquetReader.read(file) }
        #expect(error?.message.contains("encryption") == true)
    }

    @Test("legacy two-level lists are read")
    func legacyTwoLevelList() throws {
        let table = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("v", .floatList(elementsNullable: false), nullable: true)]),
            columns: [ParquetColumnData(.floatList([[1, 2], [], [3]]), validity: [true, true, false])]
        )
        let file = try ParquetWriter.write(table)
        var meta = try ParquetReader.readMetadata(file, limits: .default)
        // optional group v (LIST) { repeated float array } has the same levels as the 3-level form.
        meta.schema[2] = meta.schema[3]
        meta.schema[2].name = "array"
        meta.schema[2].repetition = Repetition.repeated.rawValue
        meta.schema.removeLast()
        let back = try ParquetReader.read(assemble(dataRegion(file), meta))
        #expect(canonical(back) == canonical(table))
    }
}
