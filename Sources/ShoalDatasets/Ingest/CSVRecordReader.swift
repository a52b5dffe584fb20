import ShoalCore

/// One CSV record: its fields, whether each was quoted, and the 1-based line where it starts.
struct CSVRecord: Sendable, Hashable {
    var fields: [String]
    var quoted: [Bool]
    var line: Int
}

/// A syntax error in one record; the reader has already skipped to the start of the next line.
struct CSVSyntaxError: Error {
    var line: Int
    var message: String
    /// True when reading cannot continue (the rest of the input is inside an unterminated quote).
    var fatal: Bool
}

/// Splits RFC 4180 CSV into records, pulling bytes from a ``ByteSource``.
///
/// Fields are separated by `,` and records by LF or CRLF. A field that starts with `"` is quoted: it may hold
/// commas, line breaks and `""` (a literal quote), and must be followed by a separator or the end of the record.
/// A quote inside an unquoted field, text after a closing quote, an unterminated quote, invalid UTF-8 or a record
/// longer than the line limit is a syntax error. Blank lines are skipped.
struct CSVRecordReader {
    private var source: any ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private let maximumRecordLength: Int

    init(source: any ByteSource, maximumRecordLength: Int) {
        self.source = source
        self.maximumRecordLength = maximumRecordLength
    }

    // MARK: - Bytes

    private mutating func nextByte() throws -> UInt8? {
        if position == buffer.count {
            if atEnd { return nil }
            buffer = try source.read(maximumCount: 1 << 16)
            position = 0
            if buffer.isEmpty {
                atEnd = true
                return nil
            }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() throws -> UInt8? {
        guard let b = try nextByte() else { return nil }
        position -= 1
        return b
    }

    /// Skips to just after the next LF.
    private mutating func skipLine() throws {
        while let b = try nextByte() {
            if b == 0x0A {
                line += 1
                return
            }
        }
    }

    // MARK: - Records

    /// The next record, or nil at the end of the input.
    /// - Throws: ``CSVSyntaxError`` (after skipping the rest of the bad line), or `ShoalError` `.io`.
    mutating func next() throws -> CSVRecord? {
        while true {
            let start = line
            var fields: [String] = []
            var quoted: [Bool] = []
            var field: [UInt8] = []
            var length = 0
            guard var b = try nextByte() else { return nil }
            if b == 0x0A {
                line += 1
                continue
            }
            if b == 0x0D, try peekByte() == 0x0A {
                _ = try nextByte()
                line += 1
                continue
            }
            func fail(_ message: String, fatal: Bool = false) throws -> CSVSyntaxError {
                if !fatal { try skipLine() }
                return CSVSyntaxError(line: start, message: message, fatal: fatal)
            }
            func finishField(_ wasQuoted: Bool) throws {
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw try fail("field \(fields.count + 1) is not valid UTF-8")
                }
                fields.append(text)
                quoted.append(wasQuoted)
                field.removeAll(keepingCapacity: true)
            }
            // One iteration per field.
            fieldLoop: while true {
                if b == UInt8(ascii: "\"") {
                    // Quoted field.
                    while true {
                        guard let c = try nextByte() else {
                            throw try fail("unterminated quoted field", fatal: true)
                        }
                        length += 1
                        guard length <= maximumRecordLength else {
                            throw try fail("record longer than \(maximumRecordLength) bytes")
                        }
                        if c == UInt8(ascii: "\"") {
                            if try peekByte() == UInt8(ascii: "\"") {
                                _ = try nextByte()
                                field.append(c)
                                continue
                            }
                            break
                        }
                        if c == 0x0A { line += 1 }
                        field.append(c)
                    }
                    try finishField(true)
                    let after = try nextByte()
                    switch after {
                    case nil:
                        return CSVRecord(fields: fields, quoted: quoted, line: start)
                    case UInt8(ascii: ",")?:
                        guard let n = try nextByte() else {
                            fields.append("")
                            quoted.append(false)
                            return CSVRecord(fields: fields, quoted: quoted, line: start)
                        }
                        b = n
                        length += 1
                        continue fieldLoop
                    case 0x0A?:
                        line += 1
                        return CSVRecord(fields: fields, quoted: quoted, line: start)
                    case 0x0D? where try peekByte() == 0x0A:
                        _ = try nextByte()
                        line += 1
                        return CSVRecord(fields: fields, quoted: quoted, line: start)
                    default:
                        throw try fail("unexpected character after the closing quote of field \(fields.count)")
                    }
                }
                // Unquoted field: b is its first byte (or a separator / line end).
                var c: UInt8? = b
                while true {
                    switch c {
                    case nil:
                        try finishField(false)
                        return CSVRecord(fields: fields, quoted: quoted, line: start)
                    case UInt8(ascii: ",")?:
                        try finishField(false)
                        guard let n = try nextByte() else {
                            fields.append("")
                            quoted.append(false)
                            return CSVRecord(fields: fields, quoted: quoted, line: start)
                        }
                        b = n
                        length += 1
                        continue fieldLoop
                    case 0x0A?:
                        if field.last == 0x0D { field.removeLast() }
                        line += 1
                        try finishField(false)
                        return CSVRecord(fields: fields, quoted: quoted, line: start)
                    case UInt8(ascii: "\"")?:
                        throw try fail("quote inside unquoted field \(fields.count + 1)")
                    case let byte?:
                        field.append(byte)
                    }
                    length += 1
                    guard length <= maximumRecordLength else {
                        throw try fail("record longer than \(maximumRecordLength) bytes")
                    }
                    c = try nextByte()
                }
            }
        }
    }
}
