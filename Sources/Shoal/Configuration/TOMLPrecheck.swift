/// Checks that TOMLKit's bundled toml++ would otherwise trip over.
///
/// toml++ (as bundled by TOMLKit 0.6.0) assumes that a table header's `[` or `[[` is followed by a key character;
/// `[#x]` or a lone `[` at the end of a line fails an assertion in debug builds (an assumption, so undefined
/// behaviour, in release builds). Every line whose first non-blank character is `[` is checked here first. A line
/// inside a multi-line string that looks like such a header is refused too (a false alarm, never a crash).
enum TOMLPrecheck {
    /// The 1-based line and reason of the first bad table header, or nil.
    static func badHeader(in text: String) -> (line: Int, reason: String)? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var scalars = Substring.UnicodeScalarView(line.unicodeScalars.drop { $0.properties.isWhitespace })
            guard scalars.first == "[" else { continue }
            scalars.removeFirst()
            if scalars.first == "[" { scalars.removeFirst() }
            let next = scalars.first { $0 != " " && $0 != "\t" }
            guard let next, isKeyStart(next) || next == "]" else {
                return (index + 1, "a table header must start with a key")
            }
        }
        return nil
    }

    private static func isKeyStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", "\"", "'": return true
        default: return false
        }
    }
}
