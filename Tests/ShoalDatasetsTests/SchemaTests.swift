import ShoalCore
import ShoalParquet
import Testing

@testable import ShoalDatasets

@Suite("Dataset schema")
struct SchemaTests {
    @Test("parses the design's schema string")
    func parsesDesignString() throws {
        let schema = try DatasetSchema(parsing: "id:integer,text:string,score:float,flag:boolean,vector:float[384]")
        #expect(schema.fields.map(\.name) == ["id", "text", "score", "flag", "vector"])
        #expect(schema.fields.map(\.type) == [.integer, .string, .float, .boolean, .vector(dimension: 384)])
        #expect(schema.fields.allSatisfy { !$0.nullable })
        #expect(schema.isResolved)
        #expect(schema.description == "id:integer,text:string,score:float,flag:boolean,vector:float[384]")
    }

    @Test("nullable suffix, spaces and an open vector dimension")
    func nullableAndOpenDimension() throws {
        let schema = try DatasetSchema(parsing: " id : integer , score:float? ,v:float[]? ")
        #expect(schema.fields[1] == DatasetField("score", .float, nullable: true))
        #expect(schema.fields[2] == DatasetField("v", .vector(dimension: nil), nullable: true))
        #expect(!schema.isResolved)
        #expect(schema.description == "id:integer,score:float?,v:float[]?")
        #expect(try DatasetSchema(parsing: schema.description) == schema)
    }

    @Test("maps to the Parquet types")
    func parquetMapping() throws {
        let schema = try DatasetSchema(parsing: "a:integer,b:float?,c:string,d:boolean,e:float[4]")
        #expect(
            schema.parquetSchema.columns.map(\.type) == [
                .int64, .double, .string, .boolean, .floatList(elementsNullable: false),
            ]
        )
        #expect(schema.parquetSchema.columns.map(\.nullable) == [false, true, false, false, false])
    }

    @Test(
        "parse errors name the position",
        arguments: [
            ("id:integr", "position 4", "unknown type"),
            ("id integer", "position 4", "expected ':'"),
            ("a:integer,a:string", "position 11", "appears twice"),
            ("v:float[0]", "position 9", "dimension"),
            ("v:float[70000]", "position 9", "dimension"),
            ("v:float[3", "position 10", "expected ']'"),
            ("v:string[3]", "position 9", "only float"),
            ("1x:integer", "position 1", "bad column name"),
            ("", "position 1", "bad column name"),
            ("a:integer,", "position 11", "bad column name"),
            ("a:integer b:string", "position 11", "unexpected"),
            ("a:", "position 3", "expected a type"),
            ("é:integer", "position 1", "bad column name"),
        ]
    )
    func parseErrors(text: String, position: String, fragment: String) {
        let error = shoalError { _ = try DatasetSchema(parsing: text) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(position) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test("field-level checks in the initializer")
    func initializerChecks() {
        #expect(throws: ShoalError.self) { try DatasetSchema([]) }
        #expect(throws: ShoalError.self) {
            try DatasetSchema([DatasetField("a", .integer), DatasetField("a", .float)])
        }
        #expect(throws: ShoalError.self) { try DatasetSchema([DatasetField("v", .vector(dimension: 0))]) }
        #expect(throws: ShoalError.self) { try DatasetSchema([DatasetField("bad name", .string)]) }
    }

    @Test("fuzz: random schema text never traps and valid output re-parses")
    func fuzz() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("ab_1:,?[]9 integerfloatstringboolean")
        for _ in 0..<5000 {
            let text = String(
                (0..<Int(rng.next() % 30)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            )
            if let schema = try? DatasetSchema(parsing: text) {
                #expect((try? DatasetSchema(parsing: schema.description)) == schema)
            }
        }
    }
}
