import Foundation
import ShoalCore
import ShoalMultiformats
import TOMLKit

extension NodeConfiguration {
    /// The largest configuration file read (1 MiB).
    public static let maximumFileSize = 1 << 20

    /// Parses and checks a configuration from TOML text.
    ///
    /// Unknown tables and keys, wrong types and out-of-range values are errors, never silently defaulted.
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: the name used in error messages.
    /// - Throws: ``ShoalCore/ShoalError`` with code `invalidArgument` whose message is one line
    ///   `file:line: table.key: reason` and whose `cause` is the ``ConfigurationIssue``.
    public init(toml text: String, file: String = "<string>") throws {
        func fail(_ line: Int?, _ key: String?, _ reason: String) -> ShoalError {
            let issue = ConfigurationIssue(
                file: file,
                line: line,
                key: key.map(ConfigurationIssue.printable),
                reason: ConfigurationIssue.printable(reason)
            )
            return ShoalError(.invalidArgument, issue.description, cause: issue)
        }
        guard text.utf8.count <= Self.maximumFileSize else {
            throw fail(nil, nil, "file is larger than \(Self.maximumFileSize) bytes")
        }
        if let bad = TOMLPrecheck.badHeader(in: text) {
            throw fail(bad.line, nil, "not valid TOML: \(bad.reason)")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw fail(error.source.begin.line, nil, "not valid TOML: \(error.description)")
        } catch {
            throw fail(nil, nil, "not valid TOML: \(error)")
        }
        let locator = KeyLocator(text: text)
        var values = ConfigurationValues()
        for tableName in root.keys.sorted() {
            guard Self.sections.contains(tableName) else {
                throw fail(locator.line(section: tableName, key: nil), tableName, "unknown table or top-level key")
            }
            guard let table = root[tableName]?.table else {
                throw fail(locator.line(section: nil, key: tableName), tableName, "must be a table ([\(tableName)])")
            }
            for name in table.keys.sorted() {
                let fullName = "\(tableName).\(name)"
                let line = locator.line(section: tableName, key: name)
                guard let spec = Self.schema.first(where: { $0.section == tableName && $0.name == name }) else {
                    throw fail(line, fullName, "unknown key")
                }
                guard let raw = table[name] else { continue }
                do {
                    values.values[fullName] = try Self.check(raw, against: spec)
                } catch let reason as Reason {
                    throw fail(line, fullName, reason.text)
                }
            }
        }
        let configuration = try NodeConfiguration(values: values)
        if let issue = configuration.consistencyIssue() {
            throw fail(locator.line(section: issue.section, key: issue.name), issue.key, issue.reason)
        }
        self = configuration
    }

    /// Reads and checks a configuration file; `-` reads standard input.
    /// - Throws: ``ShoalCore/ShoalError`` (`invalidArgument`) naming the file for a missing, unreadable, oversized,
    ///   non-UTF-8 or invalid file.
    public init(contentsOf path: String) throws {
        func fail(_ reason: String) -> ShoalError {
            let issue = ConfigurationIssue(
                file: ConfigurationIssue.printable(path),
                line: nil,
                key: nil,
                reason: reason
            )
            return ShoalError(.invalidArgument, issue.description, cause: issue)
        }
        let data: Data
        if path == "-" {
            // Read at most one byte past the limit, so that endless input is refused instead of buffered.
            var buffer = Data()
            while buffer.count <= Self.maximumFileSize,
                let chunk = try? FileHandle.standardInput.read(upToCount: 65_536), !chunk.isEmpty
            {
                buffer.append(chunk)
            }
            data = buffer
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw fail("no such file")
            }
            guard !isDirectory.boolValue else { throw fail("is a directory") }
            guard let contents = FileManager.default.contents(atPath: path) else { throw fail("cannot be read") }
            data = contents
        }
        guard data.count <= Self.maximumFileSize else {
            throw fail("file is larger than \(Self.maximumFileSize) bytes")
        }
        guard let text = String(data: data, encoding: .utf8), !data.contains(0) else {
            throw fail("not a UTF-8 text file")
        }
        try self.init(toml: text, file: path)
    }

    // MARK: - Checking one value

    private struct Reason: Error {
        var text: String
    }

    private static func check(
        _ raw: any TOMLValueConvertible,
        against spec: ConfigurationKey
    ) throws -> ConfigurationValue {
        switch spec.kind {
        case .integer(let range):
            guard raw.type == .int, let value = raw.int else {
                throw Reason(text: "expected an integer, got \(raw.type)")
            }
            guard range.contains(value) else {
                throw Reason(text: "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
            return .integer(value)
        case .number(let range):
            let value: Double
            if raw.type == .int, let int = raw.int {
                value = Double(int)
            } else if raw.type == .double, let double = raw.double {
                value = double
            } else {
                throw Reason(text: "expected a number, got \(raw.type)")
            }
            guard value.isFinite, range.contains(value) else {
                throw Reason(text: "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
            return .number(value)
        case .boolean:
            guard raw.type == .bool, let value = raw.bool else {
                throw Reason(text: "expected true or false, got \(raw.type)")
            }
            return .boolean(value)
        case .string(let maximumLength):
            guard raw.type == .string, let value = raw.string else {
                throw Reason(text: "expected a string, got \(raw.type)")
            }
            let limit = maximumLength == 0 ? 4_096 : maximumLength
            guard value.count <= limit else { throw Reason(text: "longer than \(limit) characters") }
            return .string(value)
        case .choice(let options):
            guard raw.type == .string, let value = raw.string else {
                throw Reason(text: "expected a string, got \(raw.type)")
            }
            guard options.contains(value) else {
                throw Reason(text: "'\(value)' is not one of \(options.joined(separator: ", "))")
            }
            return .string(value)
        case .strings(let maximumCount), .multiaddrs(let maximumCount):
            guard raw.type == .array, let array = raw.array else {
                throw Reason(text: "expected an array of strings, got \(raw.type)")
            }
            guard array.count <= maximumCount else { throw Reason(text: "more than \(maximumCount) entries") }
            var strings: [String] = []
            for (index, element) in array.enumerated() {
                guard element.type == .string, let text = element.string else {
                    throw Reason(text: "entry \(index) is \(element.type), expected a string")
                }
                guard text.count <= 4_096 else { throw Reason(text: "entry \(index) is too long") }
                if case .multiaddrs = spec.kind {
                    do {
                        _ = try Multiaddr(text)
                    } catch {
                        throw Reason(text: "entry \(index) '\(text)' is not a multiaddr: \(error)")
                    }
                }
                strings.append(text)
            }
            return .strings(strings)
        }
    }
}

// MARK: - Lines

/// Finds the line of a table header or a key in TOML text (TOMLKit reports lines only for syntax errors).
struct KeyLocator {
    private let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line of `key` inside `[section]` (or of the header when `key` is nil; top level when `section`
    /// is nil).
    func line(section: String?, key: String?) -> Int? {
        var current: String? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.drop { $0 == "[" }.prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                current = name
                if key == nil, name == section { return index + 1 }
                continue
            }
            guard let key, current == section else { continue }
            for candidate in [key, "\"\(key)\""] where line.hasPrefix(candidate) {
                let rest = line.dropFirst(candidate.count).drop { $0 == " " || $0 == "\t" }
                if rest.hasPrefix("=") || rest.hasPrefix(".") { return index + 1 }
            }
        }
        if let section, key == nil {
            // A dotted or top-level key `section = ...` / `section.x = ...`.
            return line(section: nil, key: section)
        }
        return nil
    }
}
