// MARK: - Tokens

/// One token of a query.
struct SQLToken: Sendable, Hashable {
    /// What the token is.
    enum Kind: Sendable, Hashable {
        /// A bare word: an identifier or a keyword (compare with ``SQLToken/isKeyword(_:)``).
        case word(String)
        /// A quoted identifier (`"x"`, `` `x` ``, `[x]`).
        case quotedIdentifier(String)
        /// A string literal.
        case string(String)
        /// A blob literal `X'…'`.
        case blob([UInt8])
        /// An integer literal.
        case integer(Int64)
        /// A real literal (or an integer too large for 64 bits).
        case real(Double)
        /// An operator or punctuation.
        case symbol(String)
        /// A bound parameter (`?`, `:name`, `@name`, `$name`).
        case parameter(String)
        /// The end of the text.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// Where it starts.
    var position: SQLPosition
    /// Its UTF-8 byte range in the query.
    var range: Range<Int>

    /// Whether this is the bare word `keyword` (case-insensitive; `keyword` is upper case).
    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = kind { return w.uppercased() == keyword }
        return false
    }

    /// Whether this is the symbol `symbol`.
    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let s) = kind { return s == symbol }
        return false
    }

    /// The token as a user sees it, for messages.
    var display: String {
        switch kind {
        case .word(let w): return w
        case .quotedIdentifier(let s): return "\"\(s)\""
        case .string(let s): return "'\(s.prefix(20))'"
        case .blob: return "blob literal"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .symbol(let s): return s
        case .parameter(let p): return p
        case .end: return "end of query"
        }
    }
}

// MARK: - Lexer

/// Splits a query into tokens (SQLite's lexical rules: `--` and `/* */` comments, `''` inside strings, `""` inside
/// quoted identifiers, hex integers, blob literals).
struct SQLLexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Every token, ending with ``SQLToken/Kind/end``.
    /// - Throws: ``SQLDiagnostic`` (syntax) for an unterminated string, comment or identifier, or a bad character.
    static func tokenize(_ text: String) throws(SQLDiagnostic) -> [SQLToken] {
        var lexer = SQLLexer(text)
        var out: [SQLToken] = []
        while true {
            let token = try lexer.next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private var position: SQLPosition { SQLPosition(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipTrivia() throws(SQLDiagnostic) {
        while let b = peek() {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
                advance()
            } else if b == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-") {
                while let c = peek(), c != 0x0A { advance() }
            } else if b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                let start = position
                advance()
                advance()
                while true {
                    guard let c = peek() else { throw SQLDiagnostic(.syntax, "unterminated /* comment", at: start) }
                    if c == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    private static func isIdentifierPart(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b) || b == UInt8(ascii: "$")
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    mutating func next() throws(SQLDiagnostic) -> SQLToken {
        try skipTrivia()
        let start = position
        let begin = index
        guard let b = peek() else { return SQLToken(kind: .end, position: start, range: begin..<begin) }
        let kind: SQLToken.Kind
        if (b == UInt8(ascii: "x") || b == UInt8(ascii: "X")) && peek(1) == UInt8(ascii: "'") {
            advance()
            kind = .blob(try blobLiteral(start))
        } else if Self.isIdentifierStart(b) {
            while let c = peek(), Self.isIdentifierPart(c) { advance() }
            kind = .word(text(begin..<index))
        } else if Self.isDigit(b) || (b == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) {
            kind = try number(start)
        } else if b == UInt8(ascii: "'") {
            kind = .string(try quoted(close: UInt8(ascii: "'"), start, what: "string literal"))
        } else if b == UInt8(ascii: "\"") {
            kind = .quotedIdentifier(try quoted(close: UInt8(ascii: "\""), start, what: "quoted identifier"))
        } else if b == UInt8(ascii: "`") {
            kind = .quotedIdentifier(try quoted(close: UInt8(ascii: "`"), start, what: "quoted identifier"))
        } else if b == UInt8(ascii: "[") {
            advance()
            let from = index
            while let c = peek(), c != UInt8(ascii: "]") { advance() }
            guard peek() != nil else { throw SQLDiagnostic(.syntax, "unterminated [identifier]", at: start) }
            let name = text(from..<index)
            advance()
            kind = .quotedIdentifier(name)
        } else if b == UInt8(ascii: "?") || b == UInt8(ascii: ":") || b == UInt8(ascii: "@")
            || (b == UInt8(ascii: "$"))
        {
            advance()
            while let c = peek(), Self.isIdentifierPart(c) { advance() }
            kind = .parameter(text(begin..<index))
        } else {
            kind = .symbol(try symbol(start))
        }
        return SQLToken(kind: kind, position: start, range: begin..<index)
    }

    private mutating func quoted(close: UInt8, _ start: SQLPosition, what: String) throws(SQLDiagnostic) -> String {
        advance()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw SQLDiagnostic(.syntax, "unterminated \(what)", at: start) }
            advance()
            if c == close {
                if peek() == close {
                    out.append(close)
                    advance()
                } else {
                    return String(decoding: out, as: UTF8.self)
                }
            } else {
                out.append(c)
            }
        }
    }

    private mutating func blobLiteral(_ start: SQLPosition) throws(SQLDiagnostic) -> [UInt8] {
        let hex = try quoted(close: UInt8(ascii: "'"), start, what: "blob literal")
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else {
            throw SQLDiagnostic(.syntax, "a blob literal needs an even number of hex digits", at: start)
        }
        var out: [UInt8] = []
        var i = 0
        while i < digits.count {
            guard let hi = Self.hexValue(digits[i]), let lo = Self.hexValue(digits[i + 1]) else {
                throw SQLDiagnostic(.syntax, "a blob literal holds hex digits only", at: start)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    private mutating func number(_ start: SQLPosition) throws(SQLDiagnostic) -> SQLToken.Kind {
        let begin = index
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            advance()
            advance()
            var value: UInt64 = 0
            var count = 0
            while let c = peek(), let v = Self.hexValue(c) {
                value = value << 4 | UInt64(v)
                count += 1
                advance()
            }
            guard count > 0, count <= 16 else {
                throw SQLDiagnostic(.syntax, "a hex integer needs 1 to 16 hex digits", at: start)
            }
            if let c = peek(), Self.isIdentifierPart(c) {
                throw SQLDiagnostic(.syntax, "unrecognized token after a number", at: start)
            }
            return .integer(Int64(bitPattern: value))
        }
        var isReal = false
        while let c = peek(), Self.isDigit(c) { advance() }
        if peek() == UInt8(ascii: ".") {
            isReal = true
            advance()
            while let c = peek(), Self.isDigit(c) { advance() }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            let sign = peek(1)
            let hasSign = sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
            if let d = peek(hasSign ? 2 : 1), Self.isDigit(d) {
                isReal = true
                advance()
                if hasSign { advance() }
                while let c = peek(), Self.isDigit(c) { advance() }
            }
        }
        if let c = peek(), Self.isIdentifierPart(c) {
            throw SQLDiagnostic(.syntax, "unrecognized token after a number", at: start)
        }
        let literal = text(begin..<index)
        if !isReal, let v = Int64(literal) { return .integer(v) }
        guard let v = Double(literal) else { throw SQLDiagnostic(.syntax, "bad number \(literal)", at: start) }
        return .real(v)
    }

    private mutating func symbol(_ start: SQLPosition) throws(SQLDiagnostic) -> String {
        let three = ["->>"]
        let two = ["||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->"]
        for candidate in three + two {
            let c = Array(candidate.utf8)
            if index + c.count <= bytes.count && Array(bytes[index..<(index + c.count)]) == c {
                for _ in c { advance() }
                return candidate
            }
        }
        let b = bytes[index]
        if "()*/%+-&|<>=~,;.".utf8.contains(b) {
            advance()
            return String(UnicodeScalar(b))
        }
        throw SQLDiagnostic(.syntax, "unexpected character '\(String(UnicodeScalar(b)))'", at: start)
    }
}
