import ShoalDatasets

// MARK: - Name resolution

extension QueryPlanner {
    /// The statement with `*` expanded, column names spelled as in the schema, GROUP BY / ORDER BY ordinals and
    /// aliases replaced by their select expressions, and aggregates checked to be where SQL allows them.
    func resolve(_ select: SQLSelect) throws(SQLDiagnostic) -> SQLSelect {
        var out = select
        let start = SQLPosition(line: 1, column: 1, offset: 0)
        // Select items.
        var items: [SQLSelectItem] = []
        for item in select.items {
            switch item.value {
            case .star:
                for field in schema.fields {
                    items.append(
                        SQLSelectItem(
                            .expression(.column(field.name)),
                            alias: nil,
                            name: field.name,
                            position: item.position
                        )
                    )
                }
            case .expression(let e):
                var resolved = item
                let e = try columns(e, at: item.position, aliases: [:])
                resolved.value = .expression(e)
                // SQLite names an unaliased column reference by the column's own spelling.
                if item.alias == nil, case .column(let name) = e { resolved.name = name }
                try checkAggregateNesting(resolved.expression!, at: item.position)
                items.append(resolved)
            }
        }
        guard items.count <= SQLParser.maximumItems else {
            throw SQLDiagnostic(.syntax, "more than \(SQLParser.maximumItems) result columns", at: start)
        }
        out.items = items
        var aliases: [String: SQLExpression] = [:]
        for item in items {
            if let alias = item.alias, aliases[alias.lowercased()] == nil, let e = item.expression {
                aliases[alias.lowercased()] = e
            }
        }
        // WHERE.
        if let filter = select.filter {
            let position = select.filterPosition ?? start
            out.filter = try columns(filter, at: position, aliases: [:])
            if out.filter!.containsAggregate {
                throw SQLDiagnostic(.syntax, "aggregate functions are not allowed in WHERE (use HAVING)", at: position)
            }
        }
        // GROUP BY.
        out.groupBy = []
        for (i, key) in select.groupBy.enumerated() {
            let position = i < select.groupByPositions.count ? select.groupByPositions[i] : start
            var resolved: SQLExpression
            if let e = try ordinal(key, items, "GROUP BY", at: position) {
                resolved = e
            } else {
                resolved = try columns(key, at: position, aliases: aliases)
            }
            if resolved.containsAggregate {
                throw SQLDiagnostic(.syntax, "aggregate functions are not allowed in GROUP BY", at: position)
            }
            out.groupBy.append(resolved)
        }
        // HAVING.
        if let having = select.having {
            let position = select.havingPosition ?? start
            out.having = try columns(having, at: position, aliases: aliases)
            try checkAggregateNesting(out.having!, at: position)
        }
        // ORDER BY: an ordinal or an alias names a result column first.
        out.orderBy = []
        for term in select.orderBy {
            var resolved = term
            if let e = try ordinal(term.expression, items, "ORDER BY", at: term.position) {
                resolved.expression = e
            } else if case .column(let name) = term.expression, let e = aliases[name.lowercased()] {
                resolved.expression = e
            } else {
                resolved.expression = try columns(term.expression, at: term.position, aliases: aliases)
            }
            try checkAggregateNesting(resolved.expression, at: term.position)
            out.orderBy.append(resolved)
        }
        return out
    }

    /// The select expression an integer ordinal names (`ORDER BY 2`), nil when `e` is not an integer literal.
    func ordinal(
        _ e: SQLExpression,
        _ items: [SQLSelectItem],
        _ clause: String,
        at position: SQLPosition
    ) throws(SQLDiagnostic) -> SQLExpression? {
        guard case .literal(.integer(let k)) = e else { return nil }
        guard k >= 1, k <= items.count, let expression = items[Int(k) - 1].expression else {
            throw SQLDiagnostic(
                .syntax,
                "\(clause) term \(k) is out of range (expected 1...\(items.count))",
                at: position
            )
        }
        return expression
    }

    /// `e` with every column spelled as in the schema; an unknown name that is an alias becomes its expression.
    func columns(
        _ e: SQLExpression,
        at position: SQLPosition,
        aliases: [String: SQLExpression]
    ) throws(SQLDiagnostic) -> SQLExpression {
        do {
            return try e.rewritten { node in
                guard case .column(let name) = node else { return nil }
                if let i = schema.fields.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                    return .column(schema.fields[i].name)
                }
                if let aliased = aliases[name.lowercased()] { return aliased }
                throw SQLDiagnostic(.syntax, "no such column: \(name)", at: position)
            }
        } catch let diagnostic as SQLDiagnostic {
            throw diagnostic
        } catch {
            throw SQLDiagnostic(.syntax, "\(error)", at: position)
        }
    }

    /// Refuses an aggregate inside another aggregate's arguments.
    func checkAggregateNesting(_ e: SQLExpression, at position: SQLPosition) throws(SQLDiagnostic) {
        if e.isAggregateCall {
            if e.children.contains(where: { $0.containsAggregate }) {
                throw SQLDiagnostic(.syntax, "an aggregate function cannot take another aggregate", at: position)
            }
            return
        }
        for child in e.children { try checkAggregateNesting(child, at: position) }
    }

    /// The aggregate calls in `e`, outermost only.
    static func aggregateCalls(_ e: SQLExpression) -> [SQLExpression] {
        if e.isAggregateCall { return [e] }
        return e.children.flatMap(aggregateCalls)
    }
}
