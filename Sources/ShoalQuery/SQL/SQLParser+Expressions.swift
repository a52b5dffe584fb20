// MARK: - Expressions (SQLite precedence, lowest first)

extension SQLParser {
    /// OR ← AND ← NOT ← equality/IS/IN/LIKE/BETWEEN ← < <= > >= ← & | << >> ← + - ← * / % ← || -> ->> ← unary.
    mutating func expression() throws(SQLDiagnostic) -> SQLExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw SQLDiagnostic(
                .syntax,
                "expression nested deeper than \(Self.maximumDepth) levels",
                at: current.position
            )
        }
        var left = try andExpression()
        while accept(keyword: "OR") { left = .binary(.or, left, try andExpression()) }
        return left
    }

    mutating func andExpression() throws(SQLDiagnostic) -> SQLExpression {
        var left = try notExpression()
        while accept(keyword: "AND") { left = .binary(.and, left, try notExpression()) }
        return left
    }

    mutating func notExpression() throws(SQLDiagnostic) -> SQLExpression {
        if current.isKeyword("NOT") && !peek(1).isKeyword("NULL") {
            _ = advance()
            return try nested { (p: inout SQLParser) throws(SQLDiagnostic) in .unary(.not, try p.notExpression()) }
        }
        return try equality()
    }

    /// Runs `body` one nesting level deeper (bounded by ``maximumDepth``).
    mutating func nested(
        _ body: (inout SQLParser) throws(SQLDiagnostic) -> SQLExpression
    ) throws(SQLDiagnostic) -> SQLExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw SQLDiagnostic(
                .syntax,
                "expression nested deeper than \(Self.maximumDepth) levels",
                at: current.position
            )
        }
        return try body(&self)
    }

    mutating func equality() throws(SQLDiagnostic) -> SQLExpression {
        var left = try relational()
        while true {
            let token = current
            if accept(symbol: "=") || accept(symbol: "==") {
                left = .binary(.equal, left, try relational())
            } else if accept(symbol: "!=") || accept(symbol: "<>") {
                left = .binary(.notEqual, left, try relational())
            } else if accept(keyword: "IS") {
                var negated = accept(keyword: "NOT")
                if accept(keyword: "DISTINCT") {
                    try expect(keyword: "FROM", "after IS [NOT] DISTINCT")
                    negated.toggle()
                }
                if accept(keyword: "NULL") {
                    left = .isNull(left, negated: negated)
                } else {
                    left = .binary(negated ? .isNot : .is, left, try relational())
                }
            } else if accept(keyword: "ISNULL") {
                left = .isNull(left, negated: false)
            } else if accept(keyword: "NOTNULL") {
                left = .isNull(left, negated: true)
            } else if token.isKeyword("NOT") && peek(1).isKeyword("NULL") {
                _ = advance()
                _ = advance()
                left = .isNull(left, negated: true)
            } else {
                let negated = token.isKeyword("NOT")
                let op = negated ? peek(1) : token
                if op.isKeyword("IN") {
                    if negated { _ = advance() }
                    _ = advance()
                    left = try inList(left, negated: negated)
                } else if op.isKeyword("LIKE") || op.isKeyword("GLOB") {
                    if negated { _ = advance() }
                    _ = advance()
                    let pattern = try relational()
                    var escape: SQLExpression?
                    if accept(keyword: "ESCAPE") { escape = try relational() }
                    left = .like(left, pattern: pattern, escape: escape, negated: negated, glob: op.isKeyword("GLOB"))
                } else if op.isKeyword("MATCH") || op.isKeyword("REGEXP") {
                    throw unsupported("\(op.display.uppercased()) operator", at: op)
                } else if op.isKeyword("BETWEEN") {
                    if negated { _ = advance() }
                    _ = advance()
                    let low = try relational()
                    try expect(keyword: "AND", "in BETWEEN … AND …")
                    let high = try relational()
                    left = .between(left, low: low, high: high, negated: negated)
                } else {
                    return left
                }
            }
        }
    }

    mutating func inList(_ left: SQLExpression, negated: Bool) throws(SQLDiagnostic) -> SQLExpression {
        guard current.isSymbol("(") else {
            if case .end = current.kind { throw expected("'(' after IN") }
            throw unsupported("IN with a table or table-valued function")
        }
        _ = advance()
        if current.isKeyword("SELECT") || current.isKeyword("WITH") { throw unsupported("subquery (IN (SELECT …))") }
        var list: [SQLExpression] = []
        if !current.isSymbol(")") {
            repeat {
                guard list.count < Self.maximumListLength else {
                    throw SQLDiagnostic(.syntax, "IN list longer than \(Self.maximumListLength)", at: current.position)
                }
                list.append(try expression())
            } while accept(symbol: ",")
        }
        try expect(symbol: ")", "to close the IN list")
        return .inList(left, list, negated: negated)
    }

    mutating func relational() throws(SQLDiagnostic) -> SQLExpression {
        try leftAssociative(
            [("<", .less), ("<=", .lessOrEqual), (">", .greater), (">=", .greaterOrEqual)],
            operand: { (p: inout SQLParser) throws(SQLDiagnostic) in try p.bitwise() }
        )
    }

    mutating func bitwise() throws(SQLDiagnostic) -> SQLExpression {
        try leftAssociative(
            [("&", .bitAnd), ("|", .bitOr), ("<<", .shiftLeft), (">>", .shiftRight)],
            operand: { (p: inout SQLParser) throws(SQLDiagnostic) in try p.additive() }
        )
    }

    mutating func additive() throws(SQLDiagnostic) -> SQLExpression {
        try leftAssociative(
            [("+", .add), ("-", .subtract)],
            operand: { (p: inout SQLParser) throws(SQLDiagnostic) in try p.multiplicative() }
        )
    }

    mutating func multiplicative() throws(SQLDiagnostic) -> SQLExpression {
        try leftAssociative(
            [("*", .multiply), ("/", .divide), ("%", .remainder)],
            operand: { (p: inout SQLParser) throws(SQLDiagnostic) in try p.concatenation() }
        )
    }

    mutating func concatenation() throws(SQLDiagnostic) -> SQLExpression {
        try leftAssociative(
            [("||", .concat), ("->", .jsonExtract), ("->>", .jsonExtractValue)],
            operand: { (p: inout SQLParser) throws(SQLDiagnostic) in try p.unary() }
        )
    }

    /// One precedence level of left-associative binary operators: `operand (op operand)*`, where `op` is one of the
    /// symbols in `operators` (each a whole token, so `->` never matches `->>`).
    mutating func leftAssociative(
        _ operators: [(symbol: String, op: SQLBinaryOperator)],
        operand: (inout SQLParser) throws(SQLDiagnostic) -> SQLExpression
    ) throws(SQLDiagnostic) -> SQLExpression {
        var left = try operand(&self)
        while let op = operators.first(where: { accept(symbol: $0.symbol) })?.op {
            left = .binary(op, left, try operand(&self))
        }
        return left
    }

    mutating func unary() throws(SQLDiagnostic) -> SQLExpression {
        let op: SQLUnaryOperator
        if accept(symbol: "-") {
            op = .negate
        } else if accept(symbol: "+") {
            op = .plus
        } else if accept(symbol: "~") {
            op = .bitNot
        } else {
            let value = try primary()
            if current.isKeyword("COLLATE") { throw unsupported("COLLATE") }
            return value
        }
        return try nested { (p: inout SQLParser) throws(SQLDiagnostic) in .unary(op, try p.unary()) }
    }
}
