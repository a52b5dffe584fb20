import ShoalMultiformats

/// Renders a statement tree back to SQLite SQL text.
///
/// Every operator application is parenthesised, so the text means exactly the tree whatever SQLite's precedence;
/// identifiers are double-quoted and literals re-spelled from their values, so no user text is pasted.
public enum SQLRenderer {
    /// The SQL text of `select`.
    public static func render(_ select: SQLSelect) -> String {
        var out = "SELECT "
        if select.distinct { out += "DISTINCT " }
        out += select.items.map(render).joined(separator: ", ")
        out += " FROM " + quote(select.table)
        if let filter = select.filter { out += " WHERE " + render(filter) }
        if !select.groupBy.isEmpty { out += " GROUP BY " + select.groupBy.map(render).joined(separator: ", ") }
        if let having = select.having { out += " HAVING " + render(having) }
        if !select.orderBy.isEmpty { out += " ORDER BY " + select.orderBy.map(render).joined(separator: ", ") }
        if let limit = select.limit {
            out += " LIMIT \(limit)"
            if let offset = select.offset, offset > 0 { out += " OFFSET \(offset)" }
        }
        return out
    }

    /// The SQL text of one select item (with `AS "alias"` when it has one).
    public static func render(_ item: SQLSelectItem) -> String {
        switch item.value {
        case .star: return "*"
        case .expression(let e): return render(e) + (item.alias.map { " AS " + quote($0) } ?? "")
        }
    }

    /// The SQL text of one ORDER BY term.
    public static func render(_ term: SQLOrderTerm) -> String {
        var out = render(term.expression)
        if term.descending { out += " DESC" }
        if let first = term.nullsFirst { out += first ? " NULLS FIRST" : " NULLS LAST" }
        return out
    }

    /// `name` as a double-quoted identifier.
    public static func quote(_ name: String) -> String {
        "\"" + doubled(name, "\"") + "\""
    }

    /// The SQL text of a literal.
    public static func render(_ literal: SQLLiteral) -> String {
        switch literal {
        case .null: return "NULL"
        case .integer(let v):
            // Int64.min has no positive literal; SQLite reads this spelling as that integer.
            return v == Int64.min ? "(-9223372036854775807 - 1)" : String(v)
        case .real(let v):
            if v.isNaN { return "NULL" }
            if v.isInfinite { return v > 0 ? "9e999" : "(-9e999)" }
            let text = String(v)
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .text(let s): return "'" + doubled(s, "'") + "'"
        case .blob(let b): return "X'" + Base16.encode(b, uppercase: true) + "'"
        }
    }

    /// The SQL text of an expression.
    public static func render(_ e: SQLExpression) -> String {
        switch e {
        case .literal(let l):
            return render(l)
        case .column(let name):
            return quote(name)
        case .unary(let op, let x):
            return "(" + op.rawValue + " " + render(x) + ")"
        case .binary(let op, let a, let b):
            return "(" + render(a) + " " + op.rawValue + " " + render(b) + ")"
        case .like(let x, let pattern, let escape, let negated, let glob):
            var out = "(" + render(x) + (negated ? " NOT" : "") + (glob ? " GLOB " : " LIKE ") + render(pattern)
            if let escape { out += " ESCAPE " + render(escape) }
            return out + ")"
        case .between(let x, let low, let high, let negated):
            return "(" + render(x) + (negated ? " NOT" : "") + " BETWEEN " + render(low) + " AND " + render(high) + ")"
        case .inList(let x, let list, let negated):
            return "(" + render(x) + (negated ? " NOT IN (" : " IN (") + list.map(render).joined(separator: ", ") + "))"
        case .isNull(let x, let negated):
            return "(" + render(x) + (negated ? " IS NOT NULL)" : " IS NULL)")
        case .function(let name, let args, let distinct, let star):
            if star { return name + "(*)" }
            return name + "(" + (distinct ? "DISTINCT " : "") + args.map(render).joined(separator: ", ") + ")"
        case .caseWhen(let operand, let whens, let otherwise):
            var out = "CASE"
            if let operand { out += " " + render(operand) }
            for w in whens { out += " WHEN " + render(w.condition) + " THEN " + render(w.result) }
            if let otherwise { out += " ELSE " + render(otherwise) }
            return out + " END"
        case .cast(let x, let type):
            return "CAST(" + render(x) + " AS " + type + ")"
        }
    }

    /// `text` with every `quote` character doubled.
    static func doubled(_ text: String, _ quote: Character) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            out.append(c)
            if c == quote { out.append(c) }
        }
        return out
    }
}
