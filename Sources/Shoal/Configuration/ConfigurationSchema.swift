// MARK: - Schema

/// One key of the configuration file: where it lives, its type and range, its default and what it means.
///
/// The schema is the single source of truth for parsing, validation, defaults and ``NodeConfiguration/example``.
public struct ConfigurationKey: Sendable {
    /// The kind and allowed values of a key.
    public enum Kind: Sendable {
        /// An integer in a closed range.
        case integer(ClosedRange<Int>)
        /// A number (integers accepted) in a closed range.
        case number(ClosedRange<Double>)
        /// `true` or `false`.
        case boolean
        /// A string of at most the given length (0 = any length up to 4,096).
        case string(maximumLength: Int)
        /// One of a fixed set of strings.
        case choice([String])
        /// An array of strings, at most `maximumCount` entries.
        case strings(maximumCount: Int)
        /// An array of multiaddrs (as strings), at most `maximumCount` entries.
        case multiaddrs(maximumCount: Int)
    }

    /// The table, e.g. `distributed`.
    public let section: String
    /// The key, e.g. `max_retries`.
    public let name: String
    /// Its kind and range.
    public let kind: Kind
    /// Its default.
    public let defaultValue: ConfigurationValue
    /// One line saying what it does (printed by `shoal config example`).
    public let summary: String
}

/// A value read from the configuration file (or a default).
public enum ConfigurationValue: Sendable, Hashable, CustomStringConvertible {
    /// An integer.
    case integer(Int)
    /// A number.
    case number(Double)
    /// A boolean.
    case boolean(Bool)
    /// A string.
    case string(String)
    /// An array of strings.
    case strings([String])

    /// The value in TOML syntax.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(format1: value) : String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .string(let value): return Self.quote(value)
        case .strings(let values): return "[" + values.map(Self.quote).joined(separator: ", ") + "]"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// A whole number printed with one decimal (`2.0`), as TOML floats must have a fraction or exponent.
    fileprivate init(format1 value: Double) {
        self = String(Int64(value)) + ".0"
    }
}
