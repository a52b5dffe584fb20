import ShoalDatasets

// MARK: - Queries with aggregates or GROUP BY

extension QueryPlanner {
    func aggregatePlan(_ select: SQLSelect) throws(SQLDiagnostic) -> QueryPlan {
        let start = SQLPosition(line: 1, column: 1, offset: 0)
        var notes: [String] = []
        // Every aggregate call, with where it was written.
        var calls: [(call: SQLExpression, position: SQLPosition)] = []
        for item in select.items {
            if let e = item.expression { calls += Self.aggregateCalls(e).map { ($0, item.position) } }
        }
        if let having = select.having {
            calls += Self.aggregateCalls(having).map { ($0, select.havingPosition ?? start) }
        }
        for term in select.orderBy { calls += Self.aggregateCalls(term.expression).map { ($0, term.position) } }
        // DISTINCT aggregates: the shards group by their argument too, so it must be one expression.
        var distinctArgument: SQLExpression?
        for (call, position) in calls {
            guard case .function(_, let args, true, _) = call else { continue }
            if let existing = distinctArgument, existing != args[0] {
                throw SQLDiagnostic(.unsupported, "DISTINCT aggregates over different expressions", at: position)
            }
            distinctArgument = args[0]
        }
        let keys = select.groupBy
        var shardItems: [SQLSelectItem] = []
        var mergeColumns: [QueryPlan.MergeColumn] = []
        for (i, key) in keys.enumerated() {
            shardItems.append(Self.item(key, "g\(i)", at: start))
            mergeColumns.append(
                .init(name: "g\(i)", declaredType: affinity(key), meaning: "GROUP BY \(SQLRenderer.render(key))")
            )
        }
        var shardGroupBy = keys
        if let argument = distinctArgument {
            shardItems.append(Self.item(argument, "d", at: start))
            shardGroupBy.append(argument)
            mergeColumns.append(
                .init(
                    name: "d",
                    declaredType: affinity(argument),
                    meaning: "distinct values of \(SQLRenderer.render(argument)) (shards group by it)"
                )
            )
            notes.append(
                "DISTINCT aggregates: each shard groups by \(SQLRenderer.render(argument)) as well, the merge "
                    + "aggregates the distinct values"
            )
        }
        // Partial columns and the merge expression of each distinct call.
        var merged: [SQLExpression: SQLExpression] = [:]
        func partial(_ e: SQLExpression, _ meaning: String) -> SQLExpression {
            let name = "a\(mergeColumns.count)"
            shardItems.append(Self.item(e, name, at: start))
            mergeColumns.append(.init(name: name, declaredType: nil, meaning: meaning))
            return .column(name)
        }
        func call(_ name: String, _ args: [SQLExpression]) -> SQLExpression {
            .function(name, args, distinct: false, star: false)
        }
        for (e, _) in calls where merged[e] == nil {
            guard case .function(let name, let args, let distinct, let star) = e else { continue }
            let text = SQLRenderer.render(e)
            if distinct {
                merged[e] = .function(name, [.column("d")], distinct: true, star: false)
                continue
            }
            switch name {
            case "count":
                let column = partial(star ? e : call("count", args), "partial \(text)")
                merged[e] = call("coalesce", [call("sum", [column]), .literal(.integer(0))])
                notes.append("\(text) → per-shard counts, merged as SUM (0 when no shard row)")
            case "avg":
                let sum = partial(call("total", args), "partial TOTAL for \(text)")
                let count = partial(call("count", args), "partial COUNT for \(text)")
                merged[e] = .binary(.divide, call("total", [sum]), call("sum", [count]))
                notes.append("\(text) → per-shard TOTAL and COUNT, merged as TOTAL(sum)/SUM(count)")
            default:
                let column = partial(call(name, args), "partial \(text)")
                merged[e] = call(name, [column])
                notes.append("\(text) → per-shard \(name.uppercased()), merged by \(name.uppercased())")
            }
        }
        // The merge: aggregates by their combine forms, GROUP BY keys by their columns, anything else is a bare
        // column whose value SQLite would take from an arbitrary row.
        func rewrite(_ e: SQLExpression, at position: SQLPosition) throws(SQLDiagnostic) -> SQLExpression {
            do {
                return try e.rewritten { node in
                    if let m = merged[node] { return m }
                    if let i = keys.firstIndex(of: node) { return .column("g\(i)") }
                    if case .column(let name) = node {
                        throw SQLDiagnostic(
                            .unsupported,
                            "bare column '\(name)' in an aggregate query (use it in GROUP BY or inside an aggregate)",
                            at: position
                        )
                    }
                    return nil
                }
            } catch let diagnostic as SQLDiagnostic {
                throw diagnostic
            } catch {
                throw SQLDiagnostic(.syntax, "\(error)", at: position)
            }
        }
        var mergeItems: [SQLSelectItem] = []
        for item in select.items {
            let e = try rewrite(item.expression!, at: item.position)
            mergeItems.append(SQLSelectItem(.expression(e), alias: item.name, name: item.name, position: item.position))
        }
        var merge = SQLSelect(
            distinct: select.distinct,
            items: mergeItems,
            table: QueryPlan.mergeTable,
            groupBy: keys.indices.map { .column("g\($0)") },
            limit: mergeLimit(select.limit),
            offset: select.offset
        )
        if let having = select.having {
            merge.having = try rewrite(having, at: select.havingPosition ?? start)
            notes.append("HAVING is evaluated only at the merge, on merged aggregates")
        }
        for term in select.orderBy {
            var t = term
            t.expression = try rewrite(term.expression, at: term.position)
            merge.orderBy.append(t)
        }
        if !keys.isEmpty {
            notes.insert("GROUP BY is pushed to the shards with partial aggregates, and redone at the merge", at: 0)
        }
        if !select.orderBy.isEmpty || select.limit != nil {
            notes.append("ORDER BY, LIMIT and OFFSET run at the merge (a group's total is unknown on one shard)")
        }
        if select.distinct { notes.append("DISTINCT is applied at the merge") }
        let shard = SQLSelect(items: shardItems, table: "dataset", filter: select.filter, groupBy: shardGroupBy)
        return QueryPlan(
            kind: .aggregate,
            shardQuery: shard,
            mergeColumns: mergeColumns,
            mergeQuery: merge,
            tagsRows: false,
            outputColumns: select.items.map(\.name),
            maxRows: maxRows,
            notes: notes
        )
    }
}
