import ShoalCore

/// A hand-written recursive-descent parser for the one-table `SELECT` subset of federated queries.
///
/// Grammar: `SELECT [DISTINCT|ALL] items FROM dataset [[AS] alias] [WHERE e] [GROUP BY e, …] [HAVING e]
/// [ORDER BY e [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n [OFFSET m] | LIMIT m, n] [;]`, with SQLite's operator
/// precedence. Anything else SQLite would accept (joins, subqueries, CTEs, compound selects, windows, writes,
/// pragmas, several statements, non-deterministic functions) is refused with `unsupported_sql` naming the feature
/// and its position; text that is not SQL gets `sql_syntax` with the position and what was expected. User text never
/// reaches SQLite: the planner renders new SQL from the tree.
public struct SQLParser {
    /// Longest query text accepted, in UTF-8 bytes.
    public static let maximumQueryLength = 64 * 1024
    /// Deepest expression nesting accepted.
    public static let maximumDepth = 48
    /// Most select items, GROUP BY keys or ORDER BY terms.
    public static let maximumItems = 256
    /// Most elements of an `IN (…)` list, `CASE` branches or function arguments.
    public static let maximumListLength = 1000

    /// Statements recognised only to be refused, with the feature name.
    static let statementKeywords: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "CREATE", "DROP", "ALTER", "ATTACH", "DETACH", "PRAGMA",
        "VACUUM", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ANALYZE", "REINDEX", "EXPLAIN",
    ]

    /// Words that cannot be a bare alias or column name.
    static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT",
        "EXCEPT", "AND", "OR", "NOT", "IS", "IN", "LIKE", "GLOB", "MATCH", "REGEXP", "BETWEEN", "CASE", "WHEN", "THEN",
        "ELSE", "END", "AS", "ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER",
        "NULL", "DISTINCT", "ALL", "CAST", "EXISTS", "WINDOW", "ESCAPE", "COLLATE", "ASC", "DESC", "ISNULL",
        "NOTNULL", "INDEXED", "WITH", "VALUES", "SET", "INTO", "RETURNING",
    ]

    let bytes: [UInt8]
    var tokens: [SQLToken]
    var index = 0
    var depth = 0
    var qualifiers: [(name: String, position: SQLPosition)] = []

    // MARK: - Entry point

    /// Parses `text` into a statement.
    /// - Throws: `ShoalError` `.unsupportedSQL` or `.sqlSyntax` whose `cause` is a ``SQLDiagnostic``;
    ///   `.limitExceeded` for a query longer than ``maximumQueryLength``.
    public static func parse(_ text: String) throws -> SQLSelect {
        guard text.utf8.count <= maximumQueryLength else {
            throw ShoalError(
                .limitExceeded,
                "query of \(text.utf8.count) bytes exceeds \(maximumQueryLength) bytes"
            )
        }
        do {
            var parser = SQLParser(bytes: Array(text.utf8), tokens: try SQLLexer.tokenize(text))
            return try parser.statement()
        } catch {
            throw error.error
        }
    }

    // MARK: - Token helpers

    var current: SQLToken { tokens[index] }

    func peek(_ ahead: Int) -> SQLToken { tokens[min(index + ahead, tokens.count - 1)] }

    mutating func advance() -> SQLToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func accept(keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        _ = advance()
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        _ = advance()
        return true
    }

    mutating func expect(keyword: String, _ context: String) throws(SQLDiagnostic) {
        guard accept(keyword: keyword) else { throw expected("\(keyword) \(context)") }
    }

    mutating func expect(symbol: String, _ context: String) throws(SQLDiagnostic) {
        guard accept(symbol: symbol) else { throw expected("'\(symbol)' \(context)") }
    }

    func expected(_ what: String) -> SQLDiagnostic {
        SQLDiagnostic(.syntax, "expected \(what), found \(current.display)", at: current.position)
    }

    func unsupported(_ feature: String, at token: SQLToken? = nil) -> SQLDiagnostic {
        SQLDiagnostic(.unsupported, feature, at: (token ?? current).position)
    }

    /// The text of the tokens from `start` up to (not including) the current token.
    func sourceText(from start: Int) -> String {
        let end = index > start ? tokens[index - 1].range.upperBound : tokens[start].range.lowerBound
        return String(decoding: bytes[tokens[start].range.lowerBound..<end], as: UTF8.self)
    }

    /// An identifier (bare non-reserved word or quoted), or nil.
    mutating func identifier() -> String? {
        switch current.kind {
        case .word(let w) where !Self.reserved.contains(w.uppercased()):
            _ = advance()
            return w
        case .quotedIdentifier(let name):
            _ = advance()
            return name
        default:
            return nil
        }
    }

    // MARK: - Statement

    mutating func statement() throws(SQLDiagnostic) -> SQLSelect {
        let first = current
        if case .word(let w) = first.kind {
            let upper = w.uppercased()
            if upper == "WITH" { throw unsupported("common table expression (WITH)") }
            if upper == "VALUES" { throw unsupported("VALUES statement") }
            if Self.statementKeywords.contains(upper) {
                throw unsupported("\(upper) statement (queries are read-only)")
            }
        }
        guard first.isKeyword("SELECT") else { throw expected("SELECT") }
        let select = try selectStatement()
        if current.kind == .end { return select }
        for keyword in ["UNION", "INTERSECT", "EXCEPT"] where current.isKeyword(keyword) {
            throw unsupported("compound select (\(keyword))")
        }
        if current.isSymbol(";") {
            while accept(symbol: ";") {}
            if current.kind == .end { return select }
            throw unsupported("several statements (one query is one SELECT)")
        }
        throw expected("end of query")
    }

    mutating func selectStatement() throws(SQLDiagnostic) -> SQLSelect {
        try expect(keyword: "SELECT", "")
        var distinct = false
        if accept(keyword: "DISTINCT") {
            distinct = true
        } else {
            _ = accept(keyword: "ALL")
        }
        var items: [SQLSelectItem] = []
        repeat {
            guard items.count < Self.maximumItems else {
                throw SQLDiagnostic(.syntax, "more than \(Self.maximumItems) select items", at: current.position)
            }
            items.append(try selectItem())
        } while accept(symbol: ",")
        guard current.isKeyword("FROM") else {
            if current.kind == .end { throw unsupported("SELECT without FROM dataset") }
            throw expected("',' or FROM")
        }
        _ = advance()
        let (table, alias) = try fromClause()
        for q in qualifiers
        where q.name.lowercased() != table.lowercased() && q.name.lowercased() != alias?.lowercased() {
            throw SQLDiagnostic(.syntax, "no such table: \(q.name)", at: q.position)
        }
        var select = SQLSelect(distinct: distinct, items: items, table: table)
        if accept(keyword: "WHERE") {
            select.filterPosition = current.position
            select.filter = try expression()
        }
        if current.isKeyword("GROUP") {
            _ = advance()
            try expect(keyword: "BY", "after GROUP")
            repeat {
                guard select.groupBy.count < Self.maximumItems else {
                    throw SQLDiagnostic(.syntax, "more than \(Self.maximumItems) GROUP BY keys", at: current.position)
                }
                select.groupByPositions.append(current.position)
                select.groupBy.append(try expression())
            } while accept(symbol: ",")
        }
        if accept(keyword: "HAVING") {
            select.havingPosition = current.position
            select.having = try expression()
        }
        if current.isKeyword("WINDOW") { throw unsupported("window definition (WINDOW)") }
        if current.isKeyword("ORDER") {
            _ = advance()
            try expect(keyword: "BY", "after ORDER")
            repeat {
                guard select.orderBy.count < Self.maximumItems else {
                    throw SQLDiagnostic(.syntax, "more than \(Self.maximumItems) ORDER BY terms", at: current.position)
                }
                select.orderBy.append(try orderTerm())
            } while accept(symbol: ",")
        }
        if accept(keyword: "LIMIT") {
            let first = try limitValue("LIMIT")
            if accept(symbol: ",") {
                select.offset = first
                select.limit = try limitValue("LIMIT")
            } else {
                select.limit = first
                if accept(keyword: "OFFSET") { select.offset = try limitValue("OFFSET") }
            }
        }
        return select
    }

    mutating func selectItem() throws(SQLDiagnostic) -> SQLSelectItem {
        let start = index
        let position = current.position
        if accept(symbol: "*") { return SQLSelectItem(.star, alias: nil, name: "*", position: position) }
        if peek(1).isSymbol("."), peek(2).isSymbol("*") {
            if let q = identifier() {
                qualifiers.append((q, position))
                _ = advance()
                _ = advance()
                return SQLSelectItem(.star, alias: nil, name: "*", position: position)
            }
        }
        let value = try expression()
        let text = sourceText(from: start)
        var alias: String?
        if accept(keyword: "AS") {
            guard let name = identifier() ?? stringAlias() else { throw expected("an alias after AS") }
            alias = name
        } else if let name = identifier() {
            alias = name
        }
        return SQLSelectItem(.expression(value), alias: alias, name: alias ?? text, position: position)
    }

    mutating func stringAlias() -> String? {
        guard case .string(let s) = current.kind else { return nil }
        _ = advance()
        return s
    }

    mutating func fromClause() throws(SQLDiagnostic) -> (String, String?) {
        if current.isSymbol("(") {
            throw unsupported(peek(1).isKeyword("SELECT") ? "subquery in FROM" : "parenthesised FROM clause")
        }
        let tableToken = current
        guard let table = identifier() else { throw expected("a table name") }
        if current.isSymbol(".") { throw unsupported("schema-qualified table name", at: tableToken) }
        if current.isSymbol("(") { throw unsupported("table-valued function \(table)()", at: tableToken) }
        guard table.lowercased() == "dataset" else {
            throw unsupported("table '\(table)' (the only table is `dataset`)", at: tableToken)
        }
        var alias: String?
        if accept(keyword: "AS") {
            guard let name = identifier() else { throw expected("an alias after AS") }
            alias = name
        } else if let name = identifier() {
            alias = name
        }
        if current.isSymbol(",") { throw unsupported("several tables in FROM (a join; join on the client)") }
        for keyword in ["JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL"] where current.isKeyword(keyword) {
            throw unsupported("JOIN (federated queries address one dataset; join on the client)")
        }
        if current.isKeyword("INDEXED") || (current.isKeyword("NOT") && peek(1).isKeyword("INDEXED")) {
            throw unsupported("INDEXED BY")
        }
        return (table, alias)
    }

    mutating func orderTerm() throws(SQLDiagnostic) -> SQLOrderTerm {
        let position = current.position
        let value = try expression()
        var descending = false
        if accept(keyword: "DESC") {
            descending = true
        } else {
            _ = accept(keyword: "ASC")
        }
        var nullsFirst: Bool?
        if accept(keyword: "NULLS") {
            if accept(keyword: "FIRST") {
                nullsFirst = true
            } else if accept(keyword: "LAST") {
                nullsFirst = false
            } else {
                throw expected("FIRST or LAST after NULLS")
            }
        }
        return SQLOrderTerm(value, descending: descending, nullsFirst: nullsFirst, position: position)
    }

    mutating func limitValue(_ clause: String) throws(SQLDiagnostic) -> Int64 {
        switch current.kind {
        case .integer(let v):
            _ = advance()
            return v
        case .symbol("-"):
            throw unsupported("a negative \(clause)")
        case .parameter:
            throw unsupported("bound parameters")
        case .end:
            throw expected("a non-negative integer after \(clause)")
        default:
            if case .symbol = current.kind { throw expected("a non-negative integer after \(clause)") }
            throw unsupported("\(clause) with an expression (use an integer literal)")
        }
    }
}
