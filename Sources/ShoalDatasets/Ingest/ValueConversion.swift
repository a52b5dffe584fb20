import ShoalCore

/// Converts CSV text and JSON values to ``DatasetValue``s of a column type.
enum ValueConversion {
    /// A CSV field as a value of `type`. An empty unquoted field is null; a quoted empty field (`""`) is the empty
    /// string (and an error for other types).
    static func fromText(
        _ text: String,
        quoted: Bool,
        type: DatasetType,
        nanPolicy: NaNPolicy
    ) throws(RowProblem)
        -> DatasetValue
    {
        if text.isEmpty && !quoted { return .null }
        switch type {
        case .string:
            return .string(text)
        case .integer:
            guard let v = Int64(text) else { throw RowProblem(column: nil, "not an integer: \(quote(text))") }
            return .integer(v)
        case .float:
            guard let v = parseDouble(text) else { throw RowProblem(column: nil, "not a float: \(quote(text))") }
            if v.isNaN && nanPolicy == .reject { throw RowProblem(column: nil, "NaN is not allowed (NaN policy)") }
            return .float(v)
        case .boolean:
            switch text.lowercased() {
            case "true", "1": return .boolean(true)
            case "false", "0": return .boolean(false)
            default: throw RowProblem(column: nil, "not a boolean (true/false/1/0): \(quote(text))")
            }
        case .vector:
            let json: JSONValue
            do {
                json = try JSONValue.parse(Array(text.utf8), maximumDepth: 2)
            } catch {
                throw RowProblem(column: nil, "not a vector ([x, y, ...]): \(quote(text))")
            }
            return try fromJSON(json, type: type, nanPolicy: nanPolicy)
        }
    }

    /// A JSON value as a value of `type`.
    static func fromJSON(
        _ json: JSONValue,
        type: DatasetType,
        nanPolicy: NaNPolicy
    ) throws(RowProblem)
        -> DatasetValue
    {
        switch (type, json) {
        case (_, .null): return .null
        case (.string, .string(let s)): return .string(s)
        case (.boolean, .bool(let b)): return .boolean(b)
        case (.integer, .number(let n)):
            guard let v = Int64(n) else { throw RowProblem(column: nil, "not an integer: \(n)") }
            return .integer(v)
        case (.float, .number(let n)):
            guard let v = parseDouble(n) else { throw RowProblem(column: nil, "not a float: \(n)") }
            if v.isNaN && nanPolicy == .reject { throw RowProblem(column: nil, "NaN is not allowed (NaN policy)") }
            return .float(v)
        case (.vector, .array(let elements)):
            var out: [Float] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                guard case .number(let n) = element, let x = Float(n) else {
                    throw RowProblem(column: nil, "vector element \(i) is not a number")
                }
                out.append(x)
            }
            return .vector(out)
        default:
            throw RowProblem(column: nil, "expected \(type), got \(kind(json))")
        }
    }

    /// Parses decimal floats plus `NaN`, `inf`, `Infinity` (any case, optional sign); rejects hex floats.
    static func parseDouble(_ text: String) -> Double? {
        guard !text.isEmpty, !text.lowercased().contains("x") else { return nil }
        return Double(text)
    }

    static func kind(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func quote(_ text: String) -> String {
        let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"\(short)\""
    }
}
