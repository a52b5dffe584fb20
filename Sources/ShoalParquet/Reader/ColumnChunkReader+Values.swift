import ShoalCore

// MARK: - Levels and values

extension ColumnChunkReader {
    /// The number of entries whose definition level is the maximum (non-null leaf values).
    func countDefined(_ levels: ArraySlice<UInt8>) -> Int {
        let maxDef = UInt8(column.maxDefinitionLevel)
        return levels.reduce(0) { $0 + ($1 == maxDef ? 1 : 0) }
    }

    /// Decodes a v1 level section (4-byte length, then RLE/bit-packed runs); returns the position after it.
    func readPrefixedLevels(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ position: Int,
        _ count: Int,
        _ maxLevel: Int,
        _ output: inout [UInt8]
    ) throws -> Int {
        guard buffer.count - position >= 4 else { throw malformed("truncated level length") }
        let length = Int(
            UInt32(buffer[position]) | UInt32(buffer[position + 1]) << 8 | UInt32(buffer[position + 2]) << 16
                | UInt32(buffer[position + 3]) << 24
        )
        guard length <= buffer.count - position - 4 else {
            throw malformed("levels of \(length) bytes run past the page")
        }
        try decodeLevels(buffer, position + 4, position + 4 + length, count, maxLevel, &output)
        return position + 4 + length
    }

    /// Decodes `count` levels from `buffer[start..<end]`, checking each against `maxLevel`.
    func decodeLevels(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int,
        _ count: Int,
        _ maxLevel: Int,
        _ output: inout [UInt8]
    ) throws {
        let before = output.count
        try RLEHybrid.decode(
            buffer,
            start: start,
            end: end,
            bitWidth: RLEHybrid.bitWidth(forMax: maxLevel),
            count: count,
            into: &output
        )
        let limit = UInt8(maxLevel)
        for level in output[before...] where level > limit {
            throw malformed("level \(level) above the maximum \(maxLevel)")
        }
    }

    /// Decodes `count` non-null values in the page's value encoding (PLAIN, dictionary indices, RLE booleans).
    func readValues(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int,
        _ count: Int,
        encoding: Int32,
        _ dictionary: LeafValues?,
        _ values: inout LeafValues
    ) throws {
        switch PageEncoding(rawValue: encoding) {
        case .plain:
            try PlainDecoder.decode(
                buffer,
                start: start,
                end: end,
                count: count,
                physicalType: column.physicalType,
                typeLength: column.typeLength,
                column: name,
                into: &values
            )
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw malformed("dictionary-encoded page without a dictionary page") }
            guard count > 0 else { return }
            guard start < end else { throw malformed("missing dictionary index bit width") }
            var indices: [UInt32] = []
            try RLEHybrid.decode(
                buffer,
                start: start + 1,
                end: end,
                bitWidth: Int(buffer[start]),
                count: count,
                into: &indices
            )
            try values.appendLookup(indices, dictionary: dictionary, column: name)
        case .rle where column.physicalType == .boolean:
            guard case .boolean(var booleans) = values else { throw malformed("RLE values for a non-boolean column") }
            values = .int32([])
            var bits: [UInt8] = []
            _ = try readPrefixedLevels(buffer, start, count, 1, &bits)
            booleans.append(contentsOf: bits.lazy.map { $0 == 1 })
            values = .boolean(booleans)
        default:
            let names: [Int32: String] = [
                3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED", 6: "DELTA_LENGTH_BYTE_ARRAY",
                7: "DELTA_BYTE_ARRAY",
                9: "BYTE_STREAM_SPLIT",
            ]
            throw ShoalError(
                .unsupported,
                "column \(name): \(names[encoding] ?? "encoding \(encoding)") encoding is not supported"
            )
        }
    }
}
