/// Infers a column type from sample values when no schema is given.
///
/// Rules: a column whose non-null samples are all integers is `integer`; all numbers, `float`; all booleans
/// (`true`/`false`, any case; JSON booleans), `boolean`; all arrays of numbers, `float[]` (the dimension then comes
/// from the data); anything else (or no non-null sample at all) is `string`. Inferred columns are always nullable.
/// A schema given by the caller overrides inference entirely.
struct TypeInference {
    private var canInteger = true
    private var canFloat = true
    private var canBoolean = true
    private var canVector = true
    private var seen = false

    /// Adds a CSV field.
    mutating func observe(text: String, quoted: Bool) {
        if text.isEmpty && !quoted { return }
        seen = true
        if canInteger && Int64(text) == nil { canInteger = false }
        if canFloat && ValueConversion.parseDouble(text) == nil { canFloat = false }
        if canBoolean && !["true", "false"].contains(text.lowercased()) { canBoolean = false }
        if canVector {
            let ok = (try? JSONValue.parse(Array(text.utf8), maximumDepth: 2)).map(Self.isNumberArray) ?? false
            if !ok { canVector = false }
        }
    }

    /// Adds a JSON value.
    mutating func observe(json: JSONValue) {
        if json == .null { return }
        seen = true
        if case .number(let n) = json {
            if Int64(n) == nil { canInteger = false }
        } else {
            canInteger = false
            canFloat = false
        }
        if case .bool = json {} else { canBoolean = false }
        if !Self.isNumberArray(json) { canVector = false }
    }

    /// The inferred type.
    var type: DatasetType {
        guard seen else { return .string }
        if canInteger { return .integer }
        if canFloat { return .float }
        if canBoolean { return .boolean }
        if canVector { return .vector(dimension: nil) }
        return .string
    }

    private static func isNumberArray(_ json: JSONValue) -> Bool {
        guard case .array(let elements) = json, !elements.isEmpty else { return false }
        return elements.allSatisfy { if case .number = $0 { true } else { false } }
    }
}
