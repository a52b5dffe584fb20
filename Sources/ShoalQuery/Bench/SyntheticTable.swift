import ShoalCore
public import ShoalDatasets

/// A deterministic synthetic table for tests and benchmarks (a seeded SplitMix64, no clock, no global state).
///
/// Columns: `id` (row number), `category` (text, 50 values `cat-00`…`cat-49`), `value` (float, 2% NULL),
/// `amount` (integer −1000…1000, 5% NULL), `text` (two words from a 20-word vocabulary, so texts repeat),
/// `flag` (boolean), `attrs` (JSON object text `{"k":…,"tag":"…","nested":{"v":…}}`), `sparse` (integer, NULL in
/// every row of categories `cat-x0`, so some groups are all-NULL).
public enum SyntheticTable {
    /// The schema text.
    public static let schemaText =
        "id:integer,category:string,value:float?,amount:integer?,text:string,flag:boolean,attrs:string,sparse:integer?"

    static let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    ]

    /// `rows` rows generated from `seed`.
    /// - Throws: `ShoalError` from the table builder (not expected).
    public static func make(rows: Int, seed: UInt64 = 42) throws -> DatasetTable {
        let schema = try DatasetSchema(parsing: schemaText)
        var builder = TableBuilder(schema: schema)
        var random = SplitMix64(seed: seed)
        for id in 0..<rows {
            let c = Int(random.next() % 50)
            let value: DatasetValue =
                random.next() % 50 == 0 ? .null : .float(Double(Int64(random.next() % 2_000_001) - 1_000_000) / 1000.0)
            let amount: DatasetValue = random.next() % 20 == 0 ? .null : .integer(Int64(random.next() % 2001) - 1000)
            let text = words[Int(random.next() % 20)] + " " + words[Int(random.next() % 20)]
            let k = Int64(random.next() % 100)
            let tag = words[Int(random.next() % 5)]
            let v = Double(random.next() % 1000) / 8.0
            let attrs = "{\"k\":\(k),\"tag\":\"\(tag)\",\"nested\":{\"v\":\(v)}}"
            let sparse: DatasetValue = c % 10 == 0 ? .null : .integer(Int64(random.next() % 100))
            do {
                try builder.append([
                    .integer(Int64(id)), .string("cat-" + (c < 10 ? "0" : "") + String(c)), value, amount,
                    .string(text), .boolean(random.next() % 3 == 0), .string(attrs), sparse,
                ])
            } catch {
                throw ShoalError(.internalError, "synthetic row \(id): \(error.message)")
            }
        }
        return builder.build()
    }
}
