// MARK: - Primary expressions

extension SQLParser {
    static let castTypes: Set<String> = [
        "INTEGER", "INT", "BIGINT", "REAL", "FLOAT", "DOUBLE", "TEXT", "VARCHAR", "CHAR", "BLOB", "NUMERIC",
        "DECIMAL", "BOOLEAN",
    ]

    mutating func primary() throws(SQLDiagnostic) -> SQLExpression {
        let token = current
        switch token.kind {
        case .integer(let v):
            _ = advance()
            return .literal(.integer(v))
        case .real(let v):
            _ = advance()
            return .literal(.real(v))
        case .string(let s):
            _ = advance()
            return .literal(.text(s))
        case .blob(let b):
            _ = advance()
            return .literal(.blob(b))
        case .parameter:
            throw unsupported("bound parameters")
        case .symbol("("):
            _ = advance()
            if current.isKeyword("SELECT") || current.isKeyword("WITH") { throw unsupported("subquery") }
            let inner = try expression()
            if current.isSymbol(",") { throw unsupported("row values") }
            try expect(symbol: ")", "to close '('")
            return inner
        case .word(let w):
            return try wordExpression(w.uppercased(), token)
        case .quotedIdentifier(let name):
            _ = advance()
            return try columnReference(name, token)
        case .end:
            throw expected("an expression")
        case .symbol:
            throw expected("an expression")
        }
    }

    mutating func wordExpression(_ upper: String, _ token: SQLToken) throws(SQLDiagnostic) -> SQLExpression {
        switch upper {
        case "NULL":
            _ = advance()
            return .literal(.null)
        case "CASE":
            _ = advance()
            return try caseExpression()
        case "CAST":
            _ = advance()
            return try castExpression()
        case "EXISTS":
            throw unsupported("subquery (EXISTS)")
        case "SELECT":
            throw unsupported("subquery")
        case "RAISE":
            throw unsupported("RAISE()")
        case "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP":
            throw unsupported("non-deterministic \(upper)")
        default:
            break
        }
        if Self.reserved.contains(upper) { throw expected("an expression") }
        if peek(1).isSymbol("(") { return try functionCall(token) }
        _ = advance()
        guard case .word(let name) = token.kind else { throw expected("an expression") }
        return try columnReference(name, token)
    }

    /// `name` or `qualifier.name`.
    mutating func columnReference(_ name: String, _ token: SQLToken) throws(SQLDiagnostic) -> SQLExpression {
        guard accept(symbol: ".") else { return .column(name) }
        qualifiers.append((name, token.position))
        guard let column = identifier() else { throw expected("a column name after '.'") }
        if current.isSymbol(".") { throw unsupported("schema-qualified column name") }
        return .column(column)
    }

    mutating func functionCall(_ token: SQLToken) throws(SQLDiagnostic) -> SQLExpression {
        guard case .word(let raw) = token.kind else { throw expected("a function name") }
        let name = raw.lowercased()
        if let reason = SQLFunctions.refused[name] { throw unsupported(reason, at: token) }
        _ = advance()
        _ = advance()
        var args: [SQLExpression] = []
        var distinct = false
        var star = false
        if accept(symbol: "*") {
            star = true
        } else if !current.isSymbol(")") {
            if accept(keyword: "DISTINCT") {
                distinct = true
            } else {
                _ = accept(keyword: "ALL")
            }
            repeat {
                guard args.count < Self.maximumListLength else {
                    throw SQLDiagnostic(.syntax, "more than \(Self.maximumListLength) arguments", at: current.position)
                }
                args.append(try expression())
            } while accept(symbol: ",")
            if current.isKeyword("ORDER") { throw unsupported("ORDER BY inside an aggregate call") }
        }
        try expect(symbol: ")", "to close \(name)(")
        if current.isKeyword("FILTER") { throw unsupported("aggregate FILTER clause") }
        if current.isKeyword("OVER") { throw unsupported("window function \(name)() OVER") }
        if let (isUnsupported, message) = SQLFunctions.problem(
            name,
            argumentCount: args.count,
            distinct: distinct,
            star: star
        ) {
            throw SQLDiagnostic(isUnsupported ? .unsupported : .syntax, message, at: token.position)
        }
        if distinct && args.count != 1 {
            throw SQLDiagnostic(.syntax, "DISTINCT aggregates take one argument", at: token.position)
        }
        return .function(name, args, distinct: distinct, star: star)
    }

    mutating func caseExpression() throws(SQLDiagnostic) -> SQLExpression {
        var operand: SQLExpression?
        if !current.isKeyword("WHEN") { operand = try expression() }
        var whens: [SQLWhen] = []
        while accept(keyword: "WHEN") {
            guard whens.count < Self.maximumListLength else {
                throw SQLDiagnostic(.syntax, "more than \(Self.maximumListLength) WHEN branches", at: current.position)
            }
            let condition = try expression()
            try expect(keyword: "THEN", "after WHEN …")
            whens.append(SQLWhen(condition, try expression()))
        }
        guard !whens.isEmpty else { throw expected("WHEN in CASE") }
        var otherwise: SQLExpression?
        if accept(keyword: "ELSE") { otherwise = try expression() }
        try expect(keyword: "END", "to close CASE")
        return .caseWhen(operand: operand, whens, otherwise: otherwise)
    }

    mutating func castExpression() throws(SQLDiagnostic) -> SQLExpression {
        try expect(symbol: "(", "after CAST")
        let value = try expression()
        try expect(keyword: "AS", "in CAST(… AS type)")
        guard case .word(let w) = current.kind, Self.castTypes.contains(w.uppercased()) else {
            throw expected("a type name (INTEGER, REAL, TEXT, BLOB or NUMERIC)")
        }
        _ = advance()
        try expect(symbol: ")", "to close CAST(")
        return .cast(value, type: w.uppercased())
    }
}
