import ShoalCore
import ShoalDatasets
import ShoalQuery
import Testing

/// One refused statement: the error code, where it must point (the first occurrence of `marker`) and a word of the
/// message naming the feature.
struct RefusedCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var marker: String
    var feature: String

    init(_ sql: String, at marker: String, _ feature: String) {
        self.sql = sql
        self.marker = marker
        self.feature = feature
    }

    var testDescription: String { sql }

    /// The UTF-8 offset of `marker` in `sql`.
    var expectedOffset: Int {
        let bytes = Array(sql.utf8)
        let m = Array(marker.utf8)
        for i in 0...(bytes.count - m.count) where Array(bytes[i..<(i + m.count)]) == m { return i }
        return -1
    }
}

let testSchema = try! DatasetSchema(parsing: SyntheticTable.schemaText)

/// Plans `sql` against the synthetic schema and returns the thrown ShoalError (nil when it planned).
func planningError(_ sql: String) -> ShoalError? {
    do {
        _ = try QueryPlanner(schema: testSchema).plan(sql)
        return nil
    } catch let error as ShoalError {
        return error
    } catch {
        return ShoalError(.internalError, "not a ShoalError: \(error)")
    }
}

/// datasets.md §7 Q2: statements federated queries do not run are refused before anything runs.
@Suite("Unsupported SQL is refused with its feature and position (Q2)")
struct RejectionTests {
    static let unsupported: [RefusedCase] = [
        .init("SELECT * FROM dataset d JOIN dataset e ON d.id = e.id", at: "JOIN", "JOIN"),
        .init("SELECT * FROM dataset, dataset", at: ",", "join"),
        .init("SELECT id FROM dataset WHERE id IN (SELECT id FROM dataset)", at: "SELECT id FROM dataset)", "subquery"),
        .init("SELECT (SELECT 1) FROM dataset", at: "SELECT 1", "subquery"),
        .init("SELECT id FROM dataset WHERE EXISTS (SELECT 1)", at: "EXISTS", "EXISTS"),
        .init("SELECT * FROM (SELECT * FROM dataset)", at: "(SELECT", "subquery in FROM"),
        .init("WITH t AS (SELECT 1) SELECT * FROM t", at: "WITH", "WITH"),
        .init("SELECT id FROM dataset UNION SELECT id FROM dataset", at: "UNION", "UNION"),
        .init("SELECT id FROM dataset EXCEPT SELECT 1", at: "EXCEPT", "EXCEPT"),
        .init("SELECT id, row_number() OVER (ORDER BY id) FROM dataset", at: "row_number", "window"),
        .init("SELECT sum(amount) OVER (PARTITION BY category) FROM dataset", at: "OVER", "window"),
        .init("SELECT random() FROM dataset", at: "random", "non-deterministic"),
        .init("SELECT id FROM dataset WHERE date('now') > '2020'", at: "date", "date and time"),
        .init("SELECT CURRENT_TIMESTAMP FROM dataset", at: "CURRENT_TIMESTAMP", "non-deterministic"),
        .init("SELECT group_concat(text) FROM dataset", at: "group_concat", "GROUP_CONCAT"),
        .init("SELECT category, text, count(*) FROM dataset GROUP BY category", at: "text,", "bare column"),
        .init("INSERT INTO dataset VALUES (1)", at: "INSERT", "INSERT"),
        .init("DELETE FROM dataset", at: "DELETE", "DELETE"),
        .init("DROP TABLE dataset", at: "DROP", "DROP"),
        .init("PRAGMA table_info(dataset)", at: "PRAGMA", "PRAGMA"),
        .init("ATTACH DATABASE 'x.db' AS x", at: "ATTACH", "ATTACH"),
        .init("SELECT id FROM dataset; SELECT 2 FROM dataset", at: "SELECT 2", "several statements"),
        .init("SELECT * FROM sqlite_master", at: "sqlite_master", "table"),
        .init("SELECT * FROM dataset WHERE id = ?", at: "?", "parameters"),
        .init(
            "SELECT count(DISTINCT text), count(DISTINCT category) FROM dataset",
            at: "count(DISTINCT category)",
            "DISTINCT"
        ),
    ]

    @Test("unsupported statement is refused with unsupported_sql at the right position", arguments: unsupported)
    func refused(_ case_: RefusedCase) throws {
        let error = try #require(planningError(case_.sql))
        #expect(error.code == .unsupportedSQL, "\(case_.sql): \(error)")
        let diagnostic = try #require(error.sqlDiagnostic)
        #expect(diagnostic.kind == .unsupported)
        #expect(diagnostic.position.offset == case_.expectedOffset, "\(case_.sql): \(diagnostic)")
        #expect(diagnostic.position.line == 1)
        #expect(diagnostic.position.column == case_.expectedOffset + 1)
        #expect(error.message.contains(case_.feature), "\(error.message)")
    }

    @Test("the Q2 list has at least 20 statements")
    func count() { #expect(Self.unsupported.count >= 20) }

    @Test("positions count lines and columns")
    func multiline() throws {
        let error = try #require(planningError("SELECT id\nFROM dataset\nWHERE id IN (SELECT 1)"))
        let position = try #require(error.sqlDiagnostic?.position)
        #expect(error.code == .unsupportedSQL)
        #expect(position.line == 3)
        #expect(position.column == 14)
        #expect(position.offset == 36)
        #expect(error.message.contains("line 3, column 14"))
    }

    static let syntax: [RefusedCase] = [
        .init("SELECT FROM dataset", at: "FROM", "expected an expression"),
        .init("SELECT id FROM dataset WHERE", at: "", "expected an expression, found end of query"),
        .init("SELECT id, FROM dataset", at: "FROM", "expected an expression"),
        .init("SELECT id FROM dataset ORDER nope", at: "nope", "expected BY"),
        .init("SELECT 'abc FROM dataset", at: "'abc", "unterminated string"),
        .init("SELECT id FROM dataset LIMIT", at: "", "expected a non-negative integer"),
        .init("SELECT id FROM dataset WHERE (id > 1", at: "", "expected ')'"),
        .init("SELECT nope FROM dataset", at: "nope", "no such column: nope"),
        .init("SELECT count(*) FROM dataset WHERE sum(id) > 1", at: "sum", "aggregate"),
        .init("SELECT substr(text) FROM dataset", at: "substr", "substr() takes 2 to 3 arguments"),
        .init("SELECT id FROM dataset ORDER BY 3", at: "3", "out of range"),
        .init("SELECT id FROM dataset WHERE id = 1 +", at: "", "expected an expression"),
        .init("SELECT sum(max(id)) FROM dataset", at: "sum", "another aggregate"),
        .init("SELECT id FROM dataset WHERE id ! 3", at: "!", "unexpected character"),
    ]

    @Test("syntax error gives sql_syntax, the position and what was expected", arguments: syntax)
    func syntaxError(_ case_: RefusedCase) throws {
        let error = try #require(planningError(case_.sql))
        #expect(error.code == .sqlSyntax, "\(case_.sql): \(error)")
        let diagnostic = try #require(error.sqlDiagnostic)
        let offset = case_.marker.isEmpty ? case_.sql.utf8.count : case_.expectedOffset
        #expect(diagnostic.position.offset == offset, "\(case_.sql): \(diagnostic)")
        #expect(error.message.contains(case_.feature), "\(error.message)")
    }

    @Test("bounds: query length, nesting depth, select items, IN list, OFFSET")
    func bounds() throws {
        let long =
            "SELECT id FROM dataset WHERE text = '" + String(repeating: "x", count: SQLParser.maximumQueryLength) + "'"
        #expect(planningError(long)?.code == .limitExceeded)
        let deep =
            "SELECT " + String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200) + " FROM dataset"
        let depthError = try #require(planningError(deep))
        #expect(depthError.code == .sqlSyntax && depthError.message.contains("nested deeper"))
        let unary = "SELECT " + String(repeating: "- ", count: 500) + "1 FROM dataset"
        #expect(planningError(unary)?.code == .sqlSyntax)
        let nots = "SELECT id FROM dataset WHERE " + String(repeating: "NOT ", count: 500) + "flag"
        #expect(planningError(nots)?.code == .sqlSyntax)
        let items = "SELECT " + Array(repeating: "id", count: 300).joined(separator: ", ") + " FROM dataset"
        #expect(planningError(items)?.code == .sqlSyntax)
        let list = "SELECT id FROM dataset WHERE id IN (" + (0..<1500).map(String.init).joined(separator: ",") + ")"
        #expect(planningError(list)?.code == .sqlSyntax)
        #expect(planningError("SELECT id FROM dataset LIMIT 10 OFFSET 1000000")?.code == .limitExceeded)
        #expect(planningError("SELECT id FROM dataset LIMIT -1")?.code == .unsupportedSQL)
        let fine =
            "SELECT " + String(repeating: "(", count: 20) + "1" + String(repeating: ")", count: 20) + " FROM dataset"
        #expect(planningError(fine) == nil)
    }
}
