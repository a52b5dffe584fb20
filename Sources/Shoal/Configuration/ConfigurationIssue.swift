/// What was wrong with a configuration file: where, which key, why. It is the `cause` of the
/// ``ShoalCore/ShoalError`` (code `invalidArgument`) that loading throws.
public struct ConfigurationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name (`-` for standard input).
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The key as `table.key` (or the table), nil for a file-level problem.
    public var key: String?
    /// Why it was rejected.
    public var reason: String

    /// `text` with control characters escaped (`\n`, `\u{7}`), so that a message stays on one line.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `file:line: key: reason`, one line.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + reason
    }
}
