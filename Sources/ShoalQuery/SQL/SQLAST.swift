// MARK: - Literals and operators

/// A literal value in a query.
public enum SQLLiteral: Sendable, Hashable, Codable {
    /// `NULL`.
    case null
    /// An integer.
    case integer(Int64)
    /// A real number.
    case real(Double)
    /// A string.
    case text(String)
    /// A blob (`X'…'`).
    case blob([UInt8])
}

/// A prefix operator.
public enum SQLUnaryOperator: String, Sendable, Hashable, Codable {
    /// `-x`.
    case negate = "-"
    /// `+x`.
    case plus = "+"
    /// `~x`.
    case bitNot = "~"
    /// `NOT x`.
    case not = "NOT"
}

/// An infix operator.
public enum SQLBinaryOperator: String, Sendable, Hashable, Codable {
    case concat = "||"
    case jsonExtract = "->"
    case jsonExtractValue = "->>"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case add = "+"
    case subtract = "-"
    case bitAnd = "&"
    case bitOr = "|"
    case shiftLeft = "<<"
    case shiftRight = ">>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "="
    case notEqual = "!="
    case `is` = "IS"
    case isNot = "IS NOT"
    case and = "AND"
    case or = "OR"
}

/// One `WHEN … THEN …` of a `CASE`.
public struct SQLWhen: Sendable, Hashable, Codable {
    /// The condition (or the value compared with the `CASE` operand).
    public var condition: SQLExpression
    /// The result.
    public var result: SQLExpression

    /// Creates a branch.
    public init(_ condition: SQLExpression, _ result: SQLExpression) {
        self.condition = condition
        self.result = result
    }
}

// MARK: - Expressions

/// An expression of the supported SQL subset. Structural equality is used to match GROUP BY keys and to share
/// aggregates, so expressions carry no positions.
public indirect enum SQLExpression: Sendable, Hashable, Codable {
    /// A literal.
    case literal(SQLLiteral)
    /// A column of the table.
    case column(String)
    /// A prefix operator.
    case unary(SQLUnaryOperator, SQLExpression)
    /// An infix operator.
    case binary(SQLBinaryOperator, SQLExpression, SQLExpression)
    /// `x [NOT] LIKE|GLOB pattern [ESCAPE e]` (`glob` true for GLOB).
    case like(SQLExpression, pattern: SQLExpression, escape: SQLExpression?, negated: Bool, glob: Bool)
    /// `x [NOT] BETWEEN low AND high`.
    case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool)
    /// `x [NOT] IN (list)`.
    case inList(SQLExpression, [SQLExpression], negated: Bool)
    /// `x IS [NOT] NULL` (also `ISNULL`, `NOTNULL`, `NOT NULL`).
    case isNull(SQLExpression, negated: Bool)
    /// A function call: lower-case name, arguments, `DISTINCT`, and `*` for `count(*)`.
    case function(String, [SQLExpression], distinct: Bool, star: Bool)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: SQLExpression?, [SQLWhen], otherwise: SQLExpression?)
    /// `CAST(x AS type)` (the type name in upper case).
    case cast(SQLExpression, type: String)

    /// The direct sub-expressions.
    public var children: [SQLExpression] {
        switch self {
        case .literal, .column: return []
        case .unary(_, let x): return [x]
        case .binary(_, let a, let b): return [a, b]
        case .like(let x, let p, let e, _, _): return [x, p] + (e.map { [$0] } ?? [])
        case .between(let x, let l, let h, _): return [x, l, h]
        case .inList(let x, let list, _): return [x] + list
        case .isNull(let x, _): return [x]
        case .function(_, let args, _, _): return args
        case .caseWhen(let operand, let whens, let otherwise):
            return (operand.map { [$0] } ?? []) + whens.flatMap { [$0.condition, $0.result] }
                + (otherwise.map { [$0] } ?? [])
        case .cast(let x, _): return [x]
        }
    }

    /// Whether this node is a call of an aggregate function (`count`, `sum`, `total`, `avg`, one-argument
    /// `min`/`max`).
    public var isAggregateCall: Bool {
        guard case .function(let name, let args, _, let star) = self else { return false }
        return SQLFunctions.isAggregate(name, argumentCount: star ? 1 : args.count)
    }

    /// Whether an aggregate call occurs anywhere in this expression.
    public var containsAggregate: Bool { isAggregateCall || children.contains { $0.containsAggregate } }

    /// Every column name this expression reads.
    public var columnNames: Set<String> {
        if case .column(let name) = self { return [name] }
        return children.reduce(into: Set<String>()) { $0.formUnion($1.columnNames) }
    }

    /// This expression with `transform` applied top-down: where it returns a replacement, that replacement is used
    /// and not descended into; otherwise the children are rewritten.
    public func rewritten(_ transform: (SQLExpression) throws -> SQLExpression?) rethrows -> SQLExpression {
        if let replacement = try transform(self) { return replacement }
        func r(_ x: SQLExpression) throws -> SQLExpression { try x.rewritten(transform) }
        switch self {
        case .literal, .column: return self
        case .unary(let op, let x): return .unary(op, try r(x))
        case .binary(let op, let a, let b): return .binary(op, try r(a), try r(b))
        case .like(let x, let p, let e, let n, let g):
            return .like(try r(x), pattern: try r(p), escape: try e.map(r), negated: n, glob: g)
        case .between(let x, let l, let h, let n): return .between(try r(x), low: try r(l), high: try r(h), negated: n)
        case .inList(let x, let list, let n): return .inList(try r(x), try list.map(r), negated: n)
        case .isNull(let x, let n): return .isNull(try r(x), negated: n)
        case .function(let name, let args, let d, let s): return .function(name, try args.map(r), distinct: d, star: s)
        case .caseWhen(let operand, let whens, let otherwise):
            return .caseWhen(
                operand: try operand.map(r),
                try whens.map { SQLWhen(try r($0.condition), try r($0.result)) },
                otherwise: try otherwise.map(r)
            )
        case .cast(let x, let type): return .cast(try r(x), type: type)
        }
    }
}

// MARK: - Statements

/// One item of the select list.
public struct SQLSelectItem: Sendable, Hashable, Codable {
    /// `*`, or an expression with its output name.
    public enum Value: Sendable, Hashable, Codable {
        /// `*`: every column of the table.
        case star
        /// An expression.
        case expression(SQLExpression)
    }

    /// `*` or an expression.
    public var value: Value
    /// The `AS` alias, if any.
    public var alias: String?
    /// The output column name: the alias, else the expression's text as written (SQLite's rule).
    public var name: String
    /// Where the item starts in the query text.
    public var position: SQLPosition

    /// Creates an item.
    public init(_ value: Value, alias: String?, name: String, position: SQLPosition) {
        self.value = value
        self.alias = alias
        self.name = name
        self.position = position
    }
}

/// One `ORDER BY` term.
public struct SQLOrderTerm: Sendable, Hashable, Codable {
    /// The sort key.
    public var expression: SQLExpression
    /// `DESC`.
    public var descending: Bool
    /// `NULLS FIRST` (true), `NULLS LAST` (false), or SQLite's default (nil: nulls first ascending, last descending).
    public var nullsFirst: Bool?
    /// Where the term starts in the query text.
    public var position: SQLPosition

    /// Creates a term.
    public init(_ expression: SQLExpression, descending: Bool, nullsFirst: Bool?, position: SQLPosition) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
        self.position = position
    }
}

/// A one-table `SELECT`, as parsed from the user's text or as built by the planner for shards and the merge.
public struct SQLSelect: Sendable, Hashable, Codable {
    /// `SELECT DISTINCT`.
    public var distinct: Bool
    /// The select list.
    public var items: [SQLSelectItem]
    /// The table name.
    public var table: String
    /// The `WHERE` condition.
    public var filter: SQLExpression?
    /// The `GROUP BY` keys.
    public var groupBy: [SQLExpression]
    /// Where each `GROUP BY` key starts (parallel to ``groupBy``).
    public var groupByPositions: [SQLPosition]
    /// The `HAVING` condition.
    public var having: SQLExpression?
    /// Where the `WHERE` condition starts.
    public var filterPosition: SQLPosition?
    /// Where the `HAVING` condition starts.
    public var havingPosition: SQLPosition?
    /// The `ORDER BY` terms.
    public var orderBy: [SQLOrderTerm]
    /// `LIMIT`.
    public var limit: Int64?
    /// `OFFSET`.
    public var offset: Int64?

    /// Creates a statement.
    public init(
        distinct: Bool = false,
        items: [SQLSelectItem],
        table: String,
        filter: SQLExpression? = nil,
        groupBy: [SQLExpression] = [],
        groupByPositions: [SQLPosition] = [],
        having: SQLExpression? = nil,
        orderBy: [SQLOrderTerm] = [],
        limit: Int64? = nil,
        offset: Int64? = nil
    ) {
        self.distinct = distinct
        self.items = items
        self.table = table
        self.filter = filter
        self.groupBy = groupBy
        self.groupByPositions = groupByPositions
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}
