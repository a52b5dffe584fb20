import Foundation
import ShoalParquet

/// The cross-check's JSON form of a table: exact for every value (floats as IEEE bit patterns, 64-bit integers
/// as decimal strings, bytes as hex), so Swift and Python compare values bit for bit.
enum TableJSON {
    static func encode(_ table: ParquetTable) -> [String: Any] {
        var columns: [[String: Any]] = []
        for (column, data) in zip(table.schema.columns, table.columns) {
            var values: [Any] = []
            for row in 0..<table.rowCount {
                if data.isNull(row) {
                    values.append(NSNull())
                    continue
                }
                switch data.values {
                case .boolean(let v): values.append(v[row])
                case .int32(let v): values.append(Int(v[row]))
                case .int64(let v): values.append(String(v[row]))
                case .float(let v): values.append(String(v[row].bitPattern))
                case .double(let v): values.append(String(v[row].bitPattern))
                case .string(let v): values.append(v[row])
                case .binary(let v): values.append(v[row].map { String(format: "%02x", $0) }.joined())
                case .floatList(let v): values.append(v[row].map { String($0.bitPattern) })
                }
            }
            columns.append([
                "name": column.name, "type": typeName(column.type), "nullable": column.nullable, "values": values,
            ])
        }
        return ["rows": table.rowCount, "columns": columns]
    }

    static func typeName(_ type: ParquetColumnType) -> String {
        if case .floatList = type { return "list<float>" }
        return type.description
    }

    static func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Compares the table with an expected JSON object; returns a description of the first difference.
    static func difference(_ table: ParquetTable, expected: [String: Any]) -> String? {
        // Round-trip through JSON so both sides hold the same Foundation types.
        guard let encoded = try? data(encode(table)),
            let actual = (try? JSONSerialization.jsonObject(with: encoded)) as? [String: Any]
        else { return "could not encode the table" }
        guard (expected["rows"] as? Int) == table.rowCount else {
            return "rows: expected \(expected["rows"] ?? "?"), got \(table.rowCount)"
        }
        guard let expectedColumns = expected["columns"] as? [[String: Any]],
            let actualColumns = actual["columns"] as? [[String: Any]]
        else { return "bad JSON" }
        guard expectedColumns.count == actualColumns.count else {
            return "columns: expected \(expectedColumns.count), got \(actualColumns.count)"
        }
        for (e, a) in zip(expectedColumns, actualColumns) {
            for key in ["name", "type", "nullable"] {
                let ev = "\(e[key] ?? "nil")"
                let av = "\(a[key] ?? "nil")"
                if ev != av { return "column \(e["name"] ?? "?"): \(key) expected \(ev), got \(av)" }
            }
            let ev = (e["values"] as? [Any]) ?? []
            let av = (a["values"] as? [Any]) ?? []
            for i in 0..<max(ev.count, av.count) {
                let x = i < ev.count ? normalize(ev[i]) : "<missing>"
                let y = i < av.count ? normalize(av[i]) : "<missing>"
                if x != y { return "column \(e["name"] ?? "?") row \(i): expected \(x), got \(y)" }
            }
        }
        return nil
    }

    private static func normalize(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let list = value as? [Any] { return "[" + list.map(normalize).joined(separator: ",") + "]" }
        return "\(value)"
    }
}
