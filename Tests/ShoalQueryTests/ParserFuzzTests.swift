import ShoalCore
import ShoalQuery
import Testing

/// Seeded random and mutated SQL through the parser and planner: never a crash, only ShoalErrors, and whatever
/// plans renders to SQL that parses back to the same SQL.
@Suite("Parser fuzz")
struct ParserFuzzTests {
    static let fragments = [
        "SELECT", "DISTINCT", "FROM", "dataset", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "AND",
        "OR", "NOT", "IN", "IS", "NULL", "LIKE", "GLOB", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST",
        "AS", "INTEGER", "count", "sum", "avg", "min", "max", "total", "abs", "json_extract", "(", ")", ",", "*", "+",
        "-", "/", "%", "||", "=", "<", ">=", "<>", "'x'", "'a''b'", "1", "2.5", "0x1F", "X'00'", "id", "value",
        "text", "category", "\"id\"", ";", "DESC", "NULLS", "FIRST", "->>", "'$.k'", "UNION", "JOIN", "WITH", "?",
        "/*", "*/", "--", "\n", "é", "`", "[", "]",
    ]

    @Test("5,000 random and mutated queries: no crash, errors are ShoalErrors, plans re-render stably")
    func fuzz() {
        var random = SplitMix64(seed: 0x5EED)
        let planner = QueryPlanner(schema: testSchema)
        let corpus = CorrectnessTests.cases.map(\.sql) + RejectionTests.unsupported.map(\.sql)
        var planned = 0
        var problems: [String] = []
        for round in 0..<5000 {
            var sql: String
            if round % 2 == 0 {
                sql = (0..<(1 + random.below(30))).map { _ in Self.fragments[random.below(Self.fragments.count)] }
                    .joined(separator: " ")
                if random.below(3) == 0 { sql = "SELECT " + sql }
            } else {
                var bytes = Array(corpus[random.below(corpus.count)].utf8)
                for _ in 0..<(1 + random.below(2)) {
                    let at = random.below(bytes.count + 1)
                    switch random.below(3) {
                    case 0 where at < bytes.count: bytes.remove(at: at)
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                    default:
                        let fragment = Array(Self.fragments[random.below(Self.fragments.count)].utf8)
                        bytes.insert(contentsOf: [0x20] + fragment + [0x20], at: at)
                    }
                }
                sql = String(decoding: bytes, as: UTF8.self)
            }
            do {
                let plan = try planner.plan(sql)
                planned += 1
                let again = try? SQLParser.parse(plan.shardSQL)
                if again.map(SQLRenderer.render) != plan.shardSQL { problems.append("re-render of \(plan.shardSQL)") }
            } catch let error as ShoalError {
                if ![.unsupportedSQL, .sqlSyntax, .limitExceeded].contains(error.code) {
                    problems.append("\(sql): \(error)")
                }
            } catch {
                problems.append("\(sql): not a ShoalError: \(error)")
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(planned > 20)
    }
}
