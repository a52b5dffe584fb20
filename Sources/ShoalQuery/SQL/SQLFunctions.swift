/// The functions federated queries may call, with their argument counts, and the ones refused by name.
public enum SQLFunctions {
    /// Aggregate functions (lower case). `min` and `max` are aggregates with one argument, scalar with more.
    public static let aggregates: Set<String> = ["count", "sum", "total", "avg", "min", "max"]

    /// Deterministic scalar functions and their allowed argument counts (`Int.max` = unbounded).
    public static let scalars: [String: ClosedRange<Int>] = [
        "abs": 1...1, "lower": 1...1, "upper": 1...1, "length": 1...1, "substr": 2...3, "substring": 2...3,
        "round": 1...2, "coalesce": 2...Int.max, "ifnull": 2...2, "nullif": 2...2, "trim": 1...2, "ltrim": 1...2,
        "rtrim": 1...2, "replace": 3...3, "instr": 2...2, "typeof": 1...1, "min": 2...Int.max,
        "max": 2...Int.max, "iif": 3...3, "hex": 1...1, "quote": 1...1, "unicode": 1...1, "char": 1...Int.max,
        "sign": 1...1, "likely": 1...1, "unlikely": 1...1,
        "json_extract": 2...Int.max, "json": 1...1, "json_type": 1...2,
        "json_valid": 1...1, "json_array_length": 1...2, "json_quote": 1...1, "json_array": 0...Int.max,
        "json_object": 0...Int.max,
        // Math functions (SQLITE_ENABLE_MATH_FUNCTIONS, compiled into Debian's libsqlite3).
        "ceil": 1...1, "ceiling": 1...1, "floor": 1...1, "trunc": 1...1, "sqrt": 1...1, "exp": 1...1,
        "ln": 1...1, "log": 1...2, "log10": 1...1, "log2": 1...1, "pow": 2...2, "power": 2...2, "mod": 2...2,
        "pi": 0...0, "sin": 1...1, "cos": 1...1, "tan": 1...1, "asin": 1...1, "acos": 1...1, "atan": 1...1,
        "atan2": 2...2, "degrees": 1...1, "radians": 1...1,
    ]

    /// Functions refused with the reason shown to the user.
    public static let refused: [String: String] = [
        "random": "non-deterministic function random()",
        "randomblob": "non-deterministic function randomblob()",
        "changes": "connection-state function changes()",
        "total_changes": "connection-state function total_changes()",
        "last_insert_rowid": "connection-state function last_insert_rowid()",
        "date": "date and time functions (their result can depend on 'now')",
        "time": "date and time functions (their result can depend on 'now')",
        "datetime": "date and time functions (their result can depend on 'now')",
        "julianday": "date and time functions (their result can depend on 'now')",
        "unixepoch": "date and time functions (their result can depend on 'now')",
        "strftime": "date and time functions (their result can depend on 'now')",
        "timediff": "date and time functions (their result can depend on 'now')",
        "current_date": "date and time functions (their result can depend on 'now')",
        "group_concat": "GROUP_CONCAT (its order depends on how rows are spread over shards)",
        "string_agg": "STRING_AGG (its order depends on how rows are spread over shards)",
        "load_extension": "load_extension()",
        "sqlite_version": "sqlite_version()",
        "sqlite_source_id": "sqlite_source_id()",
        "sqlite_compileoption_used": "sqlite_compileoption_used()",
        "sqlite_compileoption_get": "sqlite_compileoption_get()",
        "sqlite_offset": "sqlite_offset()",
        "row_number": "window function row_number()",
        "rank": "window function rank()",
        "dense_rank": "window function dense_rank()",
        "ntile": "window function ntile()",
        "lag": "window function lag()",
        "lead": "window function lead()",
        "first_value": "window function first_value()",
        "last_value": "window function last_value()",
        "nth_value": "window function nth_value()",
        "percent_rank": "window function percent_rank()",
        "cume_dist": "window function cume_dist()",
        "json_group_array": "json_group_array (its order depends on how rows are spread over shards)",
        "json_group_object": "json_group_object (its order depends on how rows are spread over shards)",
    ]

    /// Whether `name` with `argumentCount` arguments is an aggregate call.
    public static func isAggregate(_ name: String, argumentCount: Int) -> Bool {
        guard aggregates.contains(name) else { return false }
        if name == "min" || name == "max" { return argumentCount == 1 }
        return true
    }

    /// Why a call of `name` with `argumentCount` arguments (and `distinct`, `star`) is not accepted, or nil.
    /// - Returns: `(unsupported, message)`: `unsupported` true for a refused feature, false for a wrong call.
    static func problem(_ name: String, argumentCount: Int, distinct: Bool, star: Bool) -> (Bool, String)? {
        if let reason = refused[name] { return (true, reason) }
        if star && name != "count" { return (false, "only count(*) takes '*'") }
        if isAggregate(name, argumentCount: star ? 1 : argumentCount) {
            if name == "count" {
                if star { return nil }
                return argumentCount == 1 ? nil : (false, "count() takes one argument or '*'")
            }
            if argumentCount != 1 { return (false, "\(name)() takes one argument") }
            return nil
        }
        if distinct { return (false, "DISTINCT applies to aggregate functions only, not \(name)()") }
        guard let arity = scalars[name] else { return (true, "function \(name)()") }
        guard arity.contains(argumentCount) else {
            let wanted =
                arity.upperBound == Int.max
                ? "at least \(arity.lowerBound)"
                : arity.count == 1 ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            return (false, "\(name)() takes \(wanted) arguments, got \(argumentCount)")
        }
        return nil
    }
}
