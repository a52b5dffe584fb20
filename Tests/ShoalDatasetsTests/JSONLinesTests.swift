import ShoalCore
import Testing

@testable import ShoalDatasets

@Suite("JSON Lines ingest and the JSON parser")
struct JSONLinesTests {
    static let text = """
        {"id": 1, "text": "a", "score": 0.5, "v": [1, 2]}
        {"id": 2, "text": null, "score": NaN, "v": [3.5, 4]}

        {"id": 3, "score": -Infinity, "v": [5, 6], "text": "\\u00e9\\ud83d\\udc1f"}

        """

    @Test("objects become rows; missing keys and null are null; byte-at-a-time input gives the same rows")
    func basic() throws {
        let schema = "id:integer,text:string?,score:float,v:float[2]"
        let whole = try readJSONL(Self.text, schema: schema)
        #expect(allRows(whole.tables) == allRows(try readJSONL(Self.text, schema: schema, chunkSize: 1).tables))
        let rows = allRows(whole.tables)
        #expect(rows.count == 3)
        #expect(rows[0] == [.integer(1), .string("a"), .float(0.5), .vector([1, 2])])
        #expect(rows[1][1] == .null)
        #expect(rows[2][1] == .string("é🐟"))
        #expect(rows[2][2] == .float(-.infinity))
    }

    @Test("types are inferred in order of first appearance")
    func inference() throws {
        let result = try readJSONL("{\"b\": 1, \"a\": 1.5}\n{\"a\": 2, \"c\": [1,2,3], \"d\": true}\n", schema: nil)
        #expect(result.schema?.description == "b:integer?,a:float?,c:float[3]?,d:boolean?")
        #expect(allRows(result.tables)[1] == [.null, .float(2), .vector([1, 2, 3]), .boolean(true)])
    }

    @Test(
        "a bad line names the file, line and column",
        arguments: [
            ("{\"id\": 1}\n{\"id\": \"x\"}\n", "input.jsonl: line 2, column id: expected integer, got a string"),
            ("{\"id\": 1}\n{\"id\": 1.5}\n", "input.jsonl: line 2, column id: not an integer"),
            ("{\"id\": 1}\n\n{\"id\": 2, \"zz\": 1}\n", "input.jsonl: line 3, column zz: key is not a schema column"),
            ("{\"id\": 1}\n{\"id\": 2\n", "input.jsonl: line 2: JSON: byte 9"),
            ("[1]\n", "input.jsonl: line 1: not a JSON object"),
            ("{\"id\": null}\n", "input.jsonl: line 1, column id: null in a required column"),
            ("{\"id\": 1, \"id\": 2}\n", "input.jsonl: line 1: JSON: byte 11: key \"id\" appears twice"),
        ]
    )
    func badLine(text: String, message: String) {
        let error = shoalError { _ = try readJSONL(text, schema: "id:integer") }
        #expect(error?.code == .malformedInput)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    @Test("vector dimension and NaN policy; skip mode counts")
    func vectorsAndNaN() throws {
        let text =
            "{\"v\": [1, 2], \"s\": 1}\n{\"v\": [1], \"s\": 2}\n{\"v\": [1, 2], \"s\": NaN}\n{\"v\": [1, NaN], \"s\": 3}\n"
        let options = IngestOptions(errorPolicy: .skip, nanPolicy: .reject)
        let result = try readJSONL(text, schema: "v:float[2],s:float", options: options)
        #expect(allRows(result.tables) == [[.vector([1, 2]), .float(1)]])
        #expect(result.report.errors.map(\.line) == [2, 3, 4])
        #expect(result.report.errors.map(\.column) == ["v", "s", "v"])
        let allowed = try readJSONL(text, schema: "v:float[2],s:float", options: IngestOptions(errorPolicy: .skip))
        #expect(allowed.report.rowsAccepted == 2)
    }

    @Test("over-long lines are skipped and reported")
    func lineBound() throws {
        let long = "{\"s\": \"" + String(repeating: "y", count: 200) + "\"}"
        let text = "\(long)\n{\"s\": \"ok\"}\n\(long)"
        let options = IngestOptions(errorPolicy: .skip, maximumLineLength: 50)
        for chunk in [1, 7, 1 << 16] {
            let result = try readJSONL(text, schema: "s:string", options: options, chunkSize: chunk)
            #expect(allRows(result.tables) == [[.string("ok")]])
            #expect(result.report.errors.map(\.line) == [1, 3])
        }
    }

    @Test("the parser handles escapes, numbers and bounds")
    func parser() throws {
        #expect(
            try JSONValue.parse(Array("[1,-0.5e3,\"\\n\\\"\",true,null,{}]".utf8))
                == .array([
                    .number("1"), .number("-0.5e3"), .string("\n\""), .bool(true), .null, .object([]),
                ])
        )
        for bad in ["01", "1.", "-", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "\"a", "tru", "[1] 2", "\"\u{01}\"", "1e"] {
            #expect(throws: ShoalError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: ShoalError.self) { try JSONValue.parse(Array(deep.utf8), maximumDepth: 64) }
    }

    @Test("canonical JSON sorts keys, escapes minimally and re-parses to the same value")
    func canonical() throws {
        let value = JSONValue.object([
            ("b", .number("2")), ("a", .string("x\"\\\n\u{01}é")), ("aa", .array([.bool(false), .null])),
        ])
        let bytes = CanonicalJSON.encode(value)
        #expect(
            String(decoding: bytes, as: UTF8.self) == "{\"a\":\"x\\\"\\\\\\n\\u0001é\",\"aa\":[false,null],\"b\":2}"
        )
        let back = try JSONValue.parse(bytes)
        #expect(CanonicalJSON.encode(back) == bytes)
    }

    @Test("fuzz: random JSON-ish lines never trap")
    func fuzz() {
        var rng = SplitMix64(seed: 7)
        let pieces = [
            "{", "}", "[", "]", "\"a\"", ":", ",", "1", "-2.5e1", "NaN", "null", "true", "\\u12", "\n", " ", "\"v\"",
        ]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 20) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let options = IngestOptions(batchSize: 2, errorPolicy: .skip)
            let a = try? readJSONL(text, schema: "a:float?,v:float[]?", options: options)
            let b = try? readJSONL(text, schema: "a:float?,v:float[]?", options: options, chunkSize: 1)
            #expect(a.map { allRows($0.tables) } == b.map { allRows($0.tables) })
            _ = try? JSONValue.parse(Array(text.utf8))
        }
    }
}
