import ShoalCore
import ShoalParquet
import Testing

@testable import ShoalDatasets

@Suite("Dataset table")
struct TableTests {
    static func sample(rows: Int) throws -> DatasetTable {
        var builder = TableBuilder(schema: try DatasetSchema(parsing: "id:integer,text:string?,score:float,v:float[]"))
        for i in 0..<rows {
            try builder.append([
                .integer(Int64(i)), i % 3 == 0 ? .null : .string("row \(i)"), .float(Double(i) / 4),
                .vector([Float(i), -Float(i)]),
            ])
        }
        return builder.build()
    }

    @Test("the builder resolves float[] from the first vector and checks the rest")
    func builderResolvesDimension() throws {
        var builder = TableBuilder(schema: try DatasetSchema(parsing: "v:float[]?"))
        try builder.append([.null])
        #expect(builder.schema.fields[0].type == .vector(dimension: nil))
        try builder.append([.vector([1, 2, 3])])
        #expect(builder.schema.fields[0].type == .vector(dimension: 3))
        #expect(throws: RowProblem.self) { try builder.append([.vector([1, 2])]) }
        #expect(throws: RowProblem.self) { try builder.append([.vector([1, .nan, 3])]) }
        #expect(throws: RowProblem.self) { try builder.append([.vector([])]) }
        let table = builder.build()
        #expect(table.rowCount == 2)
        #expect(table.row(0) == [.null])
        #expect(table.row(1) == [.vector([1, 2, 3])])
    }

    @Test("the builder rejects wrong types, nulls in required columns and wrong arity, appending nothing")
    func builderRejects() throws {
        var builder = TableBuilder(schema: try DatasetSchema(parsing: "a:integer,b:string"))
        #expect(throws: RowProblem.self) { try builder.append([.string("x"), .string("y")]) }
        #expect(throws: RowProblem.self) { try builder.append([.integer(1), .null]) }
        #expect(throws: RowProblem.self) { try builder.append([.integer(1)]) }
        #expect(builder.rowCount == 0)
        do {
            try builder.append([.integer(1), .null])
        } catch {
            #expect(error.column == 1)
        }
    }

    @Test("slices and appends rows")
    func sliceAndAppend() throws {
        let table = try Self.sample(rows: 10)
        let a = table.slice(0..<4)
        let b = table.slice(4..<10)
        #expect(a.rowCount == 4 && b.rowCount == 6)
        #expect(b.row(0) == table.row(4))
        #expect(try a.appending(b) == table)
        #expect(table.slice(5..<5).rowCount == 0)
        let other = try DatasetTable(empty: DatasetSchema(parsing: "x:integer"))
        #expect(throws: ShoalError.self) { try table.appending(other) }
    }

    @Test("round-trips through Parquet bytes")
    func parquetRoundTrip() throws {
        let table = try Self.sample(rows: 50)
        let bytes = try ParquetWriter.write(try table.parquetTable())
        let back = try DatasetTable(parquet: try ParquetReader.read(bytes), schema: table.schema)
        #expect(back == table)
        let derived = try DatasetTable(parquet: try ParquetReader.read(bytes))
        #expect(derived.schema == table.schema)
    }

    @Test("the initializer checks the columns against the schema")
    func initializerChecks() throws {
        let schema = try DatasetSchema(parsing: "a:integer,v:float[2]")
        let good = [ParquetColumnData(.int64([1])), ParquetColumnData(.floatList([[1, 2]]))]
        #expect(try DatasetTable(schema: schema, columns: good, rowCount: 1).rowCount == 1)
        #expect(throws: ShoalError.self) {
            try DatasetTable(schema: schema, columns: [good[0], ParquetColumnData(.floatList([[1]]))], rowCount: 1)
        }
        #expect(throws: ShoalError.self) {
            try DatasetTable(schema: schema, columns: [ParquetColumnData(.double([1])), good[1]], rowCount: 1)
        }
        #expect(throws: ShoalError.self) {
            try DatasetTable(
                schema: schema,
                columns: [ParquetColumnData(.int64([1]), validity: [false]), good[1]],
                rowCount: 1
            )
        }
        #expect(throws: ShoalError.self) { try DatasetTable(schema: schema, columns: good, rowCount: 2) }
    }

    @Test("Parquet input is widened to the schema and checked")
    func parquetWidening() throws {
        let parquet = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("a", .int32, nullable: true), ParquetColumn("b", .float)]),
            columns: [
                ParquetColumnData(.int32([1, 2]), validity: [true, false]), ParquetColumnData(.float([1.5, 2])),
            ]
        )
        let table = try DatasetTable(parquet: parquet, schema: try DatasetSchema(parsing: "a:integer?,b:float"))
        #expect(table.row(0) == [.integer(1), .float(1.5)])
        #expect(table.row(1) == [.null, .float(2)])
        let error = shoalError {
            _ = try DatasetTable(parquet: parquet, schema: try DatasetSchema(parsing: "a:integer,b:float"))
        }
        #expect(error?.message.contains("column a row 2") == true)
        #expect(throws: ShoalError.self) {
            _ = try DatasetTable(parquet: parquet, schema: try DatasetSchema(parsing: "a:string?,b:float"))
        }
        #expect(throws: ShoalError.self) {
            _ = try DatasetTable(parquet: parquet, schema: try DatasetSchema(parsing: "a:integer?,c:float"))
        }
    }
}
