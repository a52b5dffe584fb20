extension NodeConfiguration {
    /// A commented TOML file with every table, every key and its default; it passes ``init(toml:file:)``.
    public static var example: String {
        var lines = [
            "# Shoal node configuration. Every key is optional; the values shown are the defaults.",
            "# Times are in seconds unless the key says otherwise. Unknown keys are errors.",
        ]
        for section in sections {
            lines.append("")
            lines.append("[\(section)]")
            for key in schema where key.section == section {
                lines.append("# \(key.summary) (\(describe(key.kind)))")
                lines.append("\(key.name) = \(key.defaultValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ kind: ConfigurationKey.Kind) -> String {
        switch kind {
        case .integer(let range): return "integer \(range.lowerBound)...\(range.upperBound)"
        case .number(let range): return "number \(range.lowerBound)...\(range.upperBound)"
        case .boolean: return "true or false"
        case .string(let maximumLength): return "string, at most \(maximumLength) characters"
        case .choice(let options): return options.joined(separator: " | ")
        case .strings(let maximumCount): return "array of strings, at most \(maximumCount)"
        case .multiaddrs(let maximumCount): return "array of multiaddrs, at most \(maximumCount)"
        }
    }
}
