// MARK: - Statistics

/// Summary statistics shared by the simulators' reports.
public enum SimStatistics {
    /// The `p`-quantile (0...1) of `values` (nearest rank); nil when empty.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

// MARK: - Command line

/// The simulator executables' command line: a scenario name and `--name value` options.
public struct SimCommandLine: Sendable {
    /// The arguments after the program name.
    public let arguments: [String]

    /// Reads the process's arguments.
    public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        self.arguments = arguments
    }

    /// The first argument that is not an option, or `fallback`.
    public func command(or fallback: String) -> String {
        arguments.first { !$0.hasPrefix("--") } ?? fallback
    }

    /// Whether `name` was given.
    public func has(_ name: String) -> Bool { arguments.contains(name) }

    /// The integer after `name`, or `fallback` when it is missing or not an integer.
    public func int(_ name: String, _ fallback: Int) -> Int {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else {
            return fallback
        }
        return v
    }

    /// `x` rounded to two decimals, or "n/a".
    public static func format(_ x: Double?) -> String {
        guard let x else { return "n/a" }
        return "\((x * 100).rounded() / 100)"
    }
}
