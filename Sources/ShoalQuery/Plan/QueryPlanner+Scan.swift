import ShoalDatasets

// MARK: - Queries without aggregates

extension QueryPlanner {
    func scanPlan(_ select: SQLSelect) throws(SQLDiagnostic) -> QueryPlan {
        let start = SQLPosition(line: 1, column: 1, offset: 0)
        if select.having != nil {
            throw SQLDiagnostic(
                .syntax,
                "HAVING needs GROUP BY or an aggregate",
                at: select.havingPosition ?? start
            )
        }
        var notes = ["WHERE and the select list run on every shard"]
        var shardItems: [SQLSelectItem] = []
        var mergeColumns: [QueryPlan.MergeColumn] = []
        let expressions = select.items.compactMap(\.expression)
        for (i, item) in select.items.enumerated() {
            shardItems.append(Self.item(expressions[i], "c\(i)", at: item.position))
            mergeColumns.append(.init(name: "c\(i)", declaredType: nil, meaning: "result column \(item.name)"))
        }
        // ORDER BY keys: a select expression is reused, anything else becomes a hidden key column.
        var mergeOrder: [SQLOrderTerm] = []
        var keyCount = 0
        for term in select.orderBy {
            let column: String
            if let i = expressions.firstIndex(of: term.expression) {
                column = "c\(i)"
            } else {
                if select.distinct {
                    throw SQLDiagnostic(
                        .unsupported,
                        "ORDER BY a term that is not in the SELECT DISTINCT list",
                        at: term.position
                    )
                }
                column = "k\(keyCount)"
                keyCount += 1
                shardItems.append(Self.item(term.expression, column, at: term.position))
                mergeColumns.append(.init(name: column, declaredType: nil, meaning: "ORDER BY key"))
            }
            var merged = term
            merged.expression = .column(column)
            mergeOrder.append(merged)
        }
        let tagsRows = !select.distinct
        if tagsRows {
            shardItems.append(Self.item(.column("rowid"), "_r", at: start))
            mergeColumns.append(.init(name: "_r", declaredType: nil, meaning: "the row's rowid in its shard"))
            mergeColumns.append(.init(name: "_s", declaredType: nil, meaning: "the shard's ordinal (added on merge)"))
        }
        var shard = SQLSelect(distinct: select.distinct, items: shardItems, table: "dataset", filter: select.filter)
        let outputLimit = mergeLimit(select.limit)
        // A top-N per shard is exact with an ORDER BY, or without one when rows keep scan order (not DISTINCT).
        if !select.orderBy.isEmpty || tagsRows {
            let (sum, overflow) = outputLimit.addingReportingOverflow(select.offset ?? 0)
            shard.limit = overflow ? Int64.max : sum
            shard.orderBy = select.orderBy
            if tagsRows {
                shard.orderBy.append(
                    SQLOrderTerm(.column("rowid"), descending: false, nullsFirst: nil, position: start)
                )
            }
            notes.append(
                "each shard keeps its first \(shard.limit!) rows (LIMIT + OFFSET, capped at the row cap + 1)"
                    + (select.orderBy.isEmpty ? " in row order" : " under the same ORDER BY")
            )
        } else {
            notes.append("SELECT DISTINCT without ORDER BY: shards return every distinct row, no LIMIT pushdown")
        }
        if select.distinct { notes.append("DISTINCT runs on every shard and again at the merge") }
        if tagsRows {
            mergeOrder.append(SQLOrderTerm(.column("_s"), descending: false, nullsFirst: nil, position: start))
            mergeOrder.append(SQLOrderTerm(.column("_r"), descending: false, nullsFirst: nil, position: start))
            notes.append("ties are broken by (shard, rowid), so the merged order is the whole table's row order")
        }
        if select.offset != nil { notes.append("OFFSET is applied only at the merge") }
        let merge = SQLSelect(
            distinct: select.distinct,
            items: select.items.enumerated().map { i, item in
                SQLSelectItem(.expression(.column("c\(i)")), alias: item.name, name: item.name, position: item.position)
            },
            table: QueryPlan.mergeTable,
            orderBy: mergeOrder,
            limit: outputLimit,
            offset: select.offset
        )
        return QueryPlan(
            kind: .scan,
            shardQuery: shard,
            mergeColumns: mergeColumns,
            mergeQuery: merge,
            tagsRows: tagsRows,
            outputColumns: select.items.map(\.name),
            maxRows: maxRows,
            notes: notes
        )
    }
}
