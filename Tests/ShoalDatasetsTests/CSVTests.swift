import ShoalCore
import Testing

@testable import ShoalDatasets

@Suite("CSV ingest")
struct CSVTests {
    static let quoted = [
        "id,text,score,flag,vector",
        "1,plain,0.5,true,\"[1, 2]\"",
        "2,\"with, comma\",-1e3,false,\"[3,4]\"",
        "3,\"say \"\"hi\"\"\",,TRUE,\"[5, 6]\"",
        "4,\"two\nlines\",inf,0,\"[7,8]\"",
        "5,\"\",nan,1,\"[9, 10]\"",
        "",
    ].joined(separator: "\r\n")

    @Test("RFC 4180 quoting, CRLF, embedded line breaks, empty vs null; bytes one at a time give the same rows")
    func quoting() throws {
        let schema = "id:integer,text:string?,score:float?,flag:boolean,vector:float[2]"
        let whole = try readCSV(Self.quoted, schema: schema)
        let bytewise = try readCSV(Self.quoted, schema: schema, chunkSize: 1)
        #expect(allRows(whole.tables) == allRows(bytewise.tables))
        let rows = allRows(whole.tables)
        #expect(rows.count == 5)
        #expect(rows[0] == [.integer(1), .string("plain"), .float(0.5), .boolean(true), .vector([1, 2])])
        #expect(rows[1][1] == .string("with, comma") && rows[1][2] == .float(-1000))
        #expect(rows[2][1] == .string("say \"hi\"") && rows[2][2] == .null && rows[2][3] == .boolean(true))
        #expect(rows[3][1] == .string("two\nlines") && rows[3][2] == .float(.infinity))
        #expect(rows[4][1] == .string(""))
        guard case .float(let nan) = rows[4][2] else {
            Issue.record("expected a float")
            return
        }
        #expect(nan.isNaN)
        #expect(whole.report.rowsAccepted == 5)
    }

    @Test("batches of N rows")
    func batching() throws {
        let text = "n\n" + (0..<25).map { "\($0)\n" }.joined()
        let result = try readCSV(text, schema: "n:integer", options: IngestOptions(batchSize: 10))
        #expect(result.tables.map(\.rowCount) == [10, 10, 5])
        #expect(allRows(result.tables).map { $0[0] } == (0..<25).map { .integer(Int64($0)) })
    }

    @Test("types are inferred without a schema; a schema overrides inference")
    func inference() throws {
        let text = "a,b,c,d,e,f\n1,1.5,true,x,\"[1,2]\",\n2,3,false,7,\"[3,4]\",\n"
        let inferred = try readCSV(text, schema: nil)
        #expect(
            inferred.schema?.description
                == "a:integer?,b:float?,c:boolean?,d:string?,e:float[2]?,f:string?"
        )
        #expect(
            allRows(inferred.tables)[1] == [
                .integer(2), .float(3), .boolean(false), .string("7"), .vector([3, 4]), .null,
            ]
        )
        let overridden = try readCSV(text, schema: "a:string,b:float,c:string,d:string,e:string,f:integer?")
        #expect(allRows(overridden.tables)[0][0] == .string("1"))
        #expect(allRows(overridden.tables)[0][2] == .string("true"))
    }

    @Test(
        "a bad row names the file, line and column",
        arguments: [
            ("id,score\n1,0.5\n2,abc\n", "input.csv: line 3, column score: not a float"),
            ("id,score\n1,0.5\nx,1\n", "input.csv: line 3, column id: not an integer"),
            ("id,score\n1,0.5\n2\n", "input.csv: line 3: expected 2 fields, got 1"),
            ("id,score\n1,0.5\n\"2\"x,1\n", "input.csv: line 3: unexpected character after the closing quote"),
            ("id,score\n1,0.5\n2,a\"b\n", "input.csv: line 3: quote inside unquoted field 2"),
            ("id,score\n1,\"0.5\n2,3\n", "input.csv: line 2: unterminated quoted field"),
            ("id,score\n1,0.5\n,1\n", "input.csv: line 3, column id: null in a required column"),
            ("id,score\n\n\n1,0.5\n5,nan\n", "input.csv: line 5, column score: NaN is not allowed"),
        ]
    )
    func badRow(text: String, message: String) {
        let error = shoalError {
            _ = try readCSV(text, schema: "id:integer,score:float", options: IngestOptions(nanPolicy: .reject))
        }
        #expect(error?.code == .malformedInput)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    @Test("skip mode counts bad rows and keeps the good ones")
    func skipMode() throws {
        let text = "id,v\n1,\"[1,2]\"\n2,\"[1,2,3]\"\nx,\"[1,2]\"\n4,\"[1,NaN]\"\n5,\"[5,6]\"\n6,\"[1,2]\",extra\n"
        let result = try readCSV(text, schema: "id:integer,v:float[2]", options: IngestOptions(errorPolicy: .skip))
        #expect(allRows(result.tables).map { $0[0] } == [.integer(1), .integer(5)])
        #expect(result.report.rowsAccepted == 2)
        #expect(result.report.rowsSkipped == 4)
        #expect(result.report.errors.map(\.line) == [3, 4, 5, 7])
        #expect(result.report.errors[0].column == "v")
        #expect(result.report.errors[0].message.contains("dimension 3, expected 2"))
        #expect(result.report.errors[1].column == "id")
    }

    @Test("skip mode resynchronises after a syntax error on the next line")
    func resync() throws {
        let text = "a,b\n1,x\"y\n2,ok\n3,\"q\"z\n4,fine\n"
        let result = try readCSV(text, schema: "a:integer,b:string", options: IngestOptions(errorPolicy: .skip))
        #expect(allRows(result.tables) == [[.integer(2), .string("ok")], [.integer(4), .string("fine")]])
        #expect(result.report.errors.map(\.line) == [2, 4])
    }

    @Test("lines longer than the bound are bad rows, not unbounded buffers")
    func lineBound() throws {
        let long = String(repeating: "x", count: 300)
        let text = "a,b\n1,\(long)\n2,short\n3,\"\(long)\"\n"
        let options = IngestOptions(errorPolicy: .skip, maximumLineLength: 64)
        let result = try readCSV(text, schema: "a:integer,b:string", options: options)
        #expect(allRows(result.tables) == [[.integer(2), .string("short")]])
        #expect(result.report.errors.map(\.line) == [2, 4])
        #expect(result.report.errors.allSatisfy { $0.message.contains("longer than 64") })
    }

    @Test("a header that does not match the schema is an error")
    func headerMismatch() {
        let missing = shoalError { _ = try readCSV("a,b\n1,2\n", schema: "a:integer,c:integer") }
        #expect(missing?.message.contains("schema column c is not in the CSV header") == true)
        let extra = shoalError { _ = try readCSV("a,b\n1,2\n", schema: "a:integer") }
        #expect(extra?.message.contains("CSV column b is not in the schema") == true)
        let repeated = shoalError { _ = try readCSV("a,a\n1,2\n", schema: nil) }
        #expect(repeated?.message.contains("repeats") == true)
        let empty = shoalError { _ = try readCSV("", schema: "a:integer") }
        #expect(empty?.message.contains("empty file") == true)
    }

    @Test("columns may come in any order; a header-only file gives no batches")
    func columnOrder() throws {
        let result = try readCSV("b,a\nx,1\n", schema: "a:integer,b:string")
        #expect(allRows(result.tables) == [[.integer(1), .string("x")]])
        let headerOnly = try readCSV("a,b\n", schema: "a:integer,b:string")
        #expect(headerOnly.tables.isEmpty)
    }

    @Test("fuzz: random CSV bytes never trap; chunking never changes the outcome")
    func fuzz() {
        var rng = SplitMix64(seed: 42)
        let pieces = ["a", "1", "2.5", ",", "\"", "\n", "\r\n", "\"\"", "[1,2]", "é", "\u{FF}", "nan", " "]
        for _ in 0..<3000 {
            var text = "a,b\n"
            for _ in 0..<Int(rng.next() % 24) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let options = IngestOptions(batchSize: 3, errorPolicy: .skip, maximumLineLength: 32)
            let a = try? readCSV(text, schema: "a:string?,b:float?", options: options)
            let b = try? readCSV(text, schema: "a:string?,b:float?", options: options, chunkSize: 1)
            #expect(a.map { allRows($0.tables) } == b.map { allRows($0.tables) })
            #expect(a?.report == b?.report)
        }
    }
}
