import ShoalCore
public import ShoalMultiformats
import ShoalParquet

extension DatasetManifest {
    /// Decodes and checks a manifest.
    ///
    /// Checks, in order: the size bound; when `expectedCID` is given, that the bytes hash to it; the JSON
    /// structure and types; that shards are contiguous from row 0 and the totals agree; and that the bytes are the
    /// canonical encoding (re-encoding gives the same bytes), so one manifest has exactly one CID.
    /// - Parameters:
    ///   - bytes: the encoded manifest.
    ///   - expectedCID: the CID the manifest was fetched by, or nil.
    /// - Throws: `ShoalError` `.malformedInput` naming the problem (a CID mismatch names both CIDs),
    ///   `.limitExceeded` for oversized input.
    public init(decoding bytes: [UInt8], expectedCID: CID? = nil) throws {
        guard bytes.count <= Self.maximumEncodedSize else {
            throw ShoalError(.limitExceeded, "manifest of \(bytes.count) bytes exceeds \(Self.maximumEncodedSize)")
        }
        if let expectedCID, !ContentID.matches(expectedCID, bytes) {
            throw ShoalError(
                .malformedInput,
                "manifest does not match its CID: expected \(expectedCID), the bytes hash to \(ContentID.of(bytes))"
            )
        }
        let json = try JSONValue.parse(bytes, maximumDepth: 8)
        func string(_ v: JSONValue?, _ what: String) throws -> String {
            guard case .string(let s)? = v else { throw Self.bad("\(what) must be a string") }
            return s
        }
        func int(_ v: JSONValue?, _ what: String) throws -> Int {
            guard case .number(let n)? = v, let i = Int(n), i >= 0 else {
                throw Self.bad("\(what) must be a non-negative integer")
            }
            return i
        }
        guard try string(json["format"], "format") == Self.format else {
            throw Self.bad("format is not \(Self.format)")
        }
        let schema: DatasetSchema
        do {
            schema = try DatasetSchema(parsing: try string(json["schema"], "schema"))
        } catch let error as ShoalError {
            throw Self.bad(error.message)
        }
        guard let parametersJSON = json["parameters"] else { throw Self.bad("parameters missing") }
        let codecName = try string(parametersJSON["compression"], "parameters.compression")
        guard let codec = ParquetCompression(rawValue: codecName) else {
            throw Self.bad("unknown compression \(codecName)")
        }
        let parameters = PackParameters(
            shardSize: try int(parametersJSON["shardSize"], "parameters.shardSize"),
            compression: codec,
            writer: try string(parametersJSON["writer"], "parameters.writer")
        )
        guard case .array(let shardList)? = json["shards"] else { throw Self.bad("shards must be an array") }
        var shards: [ShardInfo] = []
        var nextRow = 0
        for (i, entry) in shardList.enumerated() {
            let cid: CID
            do {
                cid = try CID(try string(entry["cid"], "shards[\(i)].cid"))
            } catch let error as MultiformatsError {
                throw Self.bad("shards[\(i)].cid: \(error.message)")
            }
            let first = try int(entry["firstRow"], "shards[\(i)].firstRow")
            guard first == nextRow else { throw Self.bad("shards[\(i)] starts at row \(first), expected \(nextRow)") }
            let rows = try int(entry["rowCount"], "shards[\(i)].rowCount")
            nextRow += rows
            guard case .array(let columnList)? = entry["columns"], columnList.count == schema.fields.count else {
                throw Self.bad("shards[\(i)].columns must list every schema column")
            }
            var columns: [ColumnStatistics] = []
            for (field, stats) in zip(schema.fields, columnList) {
                guard try string(stats["name"], "column name") == field.name else {
                    throw Self.bad("shards[\(i)].columns: expected column \(field.name)")
                }
                columns.append(
                    ColumnStatistics(
                        name: field.name,
                        nullCount: try int(stats["nulls"], "shards[\(i)].\(field.name).nulls"),
                        min: try stats["min"].map { try Self.value($0, field.type) },
                        max: try stats["max"].map { try Self.value($0, field.type) }
                    )
                )
            }
            shards.append(
                ShardInfo(
                    cid: cid,
                    firstRow: first,
                    rowCount: rows,
                    byteSize: try int(entry["byteSize"], "shards[\(i)].byteSize"),
                    columns: columns
                )
            )
        }
        self.init(
            id: try string(json["id"], "id"),
            name: try string(json["name"], "name"),
            description: try string(json["description"], "description"),
            schema: schema,
            shards: shards,
            parameters: parameters
        )
        guard try int(json["rowCount"], "rowCount") == rowCount, try int(json["byteSize"], "byteSize") == byteSize
        else { throw Self.bad("rowCount or byteSize does not equal the sum over shards") }
        guard encoded() == bytes else { throw Self.bad("not in canonical form (keys, spacing or number format)") }
    }

    private static func value(_ json: JSONValue, _ type: DatasetType) throws -> DatasetValue {
        switch (type, json) {
        case (.integer, .number(let n)):
            if let v = Int64(n) { return .integer(v) }
        case (.float, .string(let s)):
            if let v = Double(s) { return .float(v) }
        case (.string, .string(let s)): return .string(s)
        case (.boolean, .bool(let b)): return .boolean(b)
        default: break
        }
        throw bad("statistic \(json) is not a \(type)")
    }

    private static func bad(_ message: String) -> ShoalError {
        ShoalError(.malformedInput, "manifest: \(message)")
    }
}
