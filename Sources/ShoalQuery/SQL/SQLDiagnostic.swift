public import ShoalCore

// MARK: - Positions

/// A place in the query text: 1-based line and column (in characters) and the 0-based UTF-8 byte offset.
public struct SQLPosition: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int
    /// The 0-based UTF-8 byte offset from the start of the query.
    public var offset: Int

    /// Creates a position.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line L, column C (offset O)`.
    public var description: String { "line \(line), column \(column) (offset \(offset))" }
}

// MARK: - Diagnostics

/// Why a query was refused before anything ran; the `cause` of the ``ShoalError`` the parser and planner throw.
public struct SQLDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The SQL is valid but uses a feature federated queries do not run (`unsupported_sql`).
        case unsupported
        /// The SQL does not parse, or names something that does not exist (`sql_syntax`).
        case syntax
    }

    /// What kind of refusal.
    public var kind: Kind
    /// The unsupported feature (``Kind/unsupported``) or what was expected (``Kind/syntax``).
    public var detail: String
    /// Where in the query text.
    public var position: SQLPosition

    /// Creates a diagnostic.
    public init(_ kind: Kind, _ detail: String, at position: SQLPosition) {
        self.kind = kind
        self.detail = detail
        self.position = position
    }

    /// A one-line description with the position.
    public var description: String {
        switch kind {
        case .unsupported: return "unsupported SQL at \(position): \(detail)"
        case .syntax: return "SQL syntax error at \(position): \(detail)"
        }
    }

    /// The ``ShoalError`` carrying this diagnostic (`unsupported_sql` or `sql_syntax`).
    public var error: ShoalError {
        switch kind {
        case .unsupported:
            return ShoalError(.unsupportedSQL, description, cause: self)
        case .syntax:
            return ShoalError(.sqlSyntax, description, cause: self)
        }
    }
}

extension ShoalError {
    /// The ``SQLDiagnostic`` of an `unsupported_sql` or `sql_syntax` error, if any.
    public var sqlDiagnostic: SQLDiagnostic? { cause as? SQLDiagnostic }
}
