import Foundation
import ShoalQuery

/// The JSON form of a query result: values as JSON (blobs as `{"hex": …}`, non-finite reals as strings).
struct ResultOutput: Encodable {
    struct Value: Encodable {
        var value: QueryValue

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .null: try container.encodeNil()
            case .integer(let v): try container.encode(v)
            case .real(let v):
                if v.isFinite { try container.encode(v) } else { try container.encode(String(v)) }
            case .text(let v): try container.encode(v)
            case .blob(let v): try container.encode(["hex": v.hexString])
            }
        }
    }

    var columns: [String]
    var rows: [[Value]]
    var truncated: Bool
    var shards: Int
    var partialRows: Int

    init(_ result: QueryResult) {
        columns = result.columns
        rows = result.rows.map { $0.map { Value(value: $0) } }
        truncated = result.truncated
        shards = result.shardCount
        partialRows = result.partialRowCount
    }
}

/// A result as aligned text columns, then a row count line and the truncation marker.
enum TextTable {
    static let maximumWidth = 48

    static func render(_ result: QueryResult) -> String {
        let cells = result.rows.map { $0.map { clip($0.description) } }
        var widths = result.columns.map { clip($0).count }
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in v.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: " | ").trimmingSuffix()
        }
        var lines = [
            line(result.columns.map(clip)), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"),
        ]
        lines += cells.map(line)
        let rows = "(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"), \(result.shardCount) shards)"
        lines.append(result.truncated ? "\(rows) TRUNCATED: more rows matched; raise --max-rows" : rows)
        return lines.joined(separator: "\n")
    }

    static func clip(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > maximumWidth ? String(flat.prefix(maximumWidth - 1)) + "…" : flat
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingSuffix() -> String {
        var out = self
        while out.last == " " { out.removeLast() }
        return out
    }
}
