import ShoalCore

extension DatasetSchema {
    /// Parses the text form, e.g. `id:integer,text:string,score:float?,vector:float[384]`.
    ///
    /// Types: `integer` (int64), `float` (double), `string`, `boolean`, `float[N]` (a vector of N binary32 values,
    /// checked at ingest) and `float[]` (the dimension comes from the data and is then fixed). A `?` after the type
    /// makes the column nullable.
    /// - Parameter text: the schema text.
    /// - Throws: `ShoalError` `.invalidArgument` naming the 1-based character position of the problem.
    public init(parsing text: String) throws {
        var parser = SchemaParser(text)
        try self.init(parser.parse())
    }
}

/// A small recursive-descent parser for the schema text.
struct SchemaParser {
    private let chars: [Character]
    private var index = 0

    init(_ text: String) { chars = Array(text) }

    mutating func parse() throws -> [DatasetField] {
        guard chars.count <= DatasetSchema.maximumTextLength else {
            throw ShoalError(.limitExceeded, "schema text longer than \(DatasetSchema.maximumTextLength) characters")
        }
        var fields: [DatasetField] = []
        var names = Set<String>()
        repeat {
            skipSpaces()
            let nameStart = index
            let name = readWhile { $0.isLetter || $0.isNumber || $0 == "_" }
            if let problem = DatasetSchema.nameProblem(name) {
                throw error(at: nameStart, "bad column name '\(name)': \(problem)")
            }
            guard names.insert(name).inserted else { throw error(at: nameStart, "column '\(name)' appears twice") }
            skipSpaces()
            guard peek == ":" else { throw error(at: index, "expected ':' after column name '\(name)'") }
            index += 1
            skipSpaces()
            let typeStart = index
            let word = readWhile { $0.isLetter }
            var type: DatasetType
            switch word {
            case "integer": type = .integer
            case "float": type = .float
            case "string": type = .string
            case "boolean": type = .boolean
            case "": throw error(at: typeStart, "expected a type for column '\(name)'")
            default:
                throw error(
                    at: typeStart,
                    "unknown type '\(word)' (integer, float, string, boolean, float[N], float[])"
                )
            }
            if peek == "[" {
                guard type == .float else { throw error(at: index, "only float columns can be vectors") }
                index += 1
                let digitsStart = index
                let digits = readWhile { $0.isASCII && $0.isNumber }
                guard peek == "]" else { throw error(at: index, "expected ']' to close the vector dimension") }
                index += 1
                if digits.isEmpty {
                    type = .vector(dimension: nil)
                } else {
                    guard digits.count <= 6, let d = Int(digits), d >= 1, d <= DatasetSchema.maximumDimension else {
                        throw error(
                            at: digitsStart,
                            "dimension \(digits) is outside 1...\(DatasetSchema.maximumDimension)"
                        )
                    }
                    type = .vector(dimension: d)
                }
            }
            skipSpaces()
            var nullable = false
            if peek == "?" {
                nullable = true
                index += 1
                skipSpaces()
            }
            fields.append(DatasetField(name, type, nullable: nullable))
            guard fields.count <= DatasetSchema.maximumColumns else {
                throw error(at: nameStart, "more than \(DatasetSchema.maximumColumns) columns")
            }
            if peek == "," {
                index += 1
                continue
            }
            guard index == chars.count else { throw error(at: index, "unexpected '\(chars[index])'") }
            break
        } while true
        return fields
    }

    // MARK: - Helpers

    private var peek: Character? { index < chars.count ? chars[index] : nil }

    private mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { index += 1 }
    }

    private mutating func readWhile(_ predicate: (Character) -> Bool) -> String {
        let start = index
        while let c = peek, predicate(c) { index += 1 }
        return String(chars[start..<index])
    }

    private func error(at position: Int, _ message: String) -> ShoalError {
        ShoalError(.invalidArgument, "schema: position \(position + 1): \(message)")
    }
}
