import ShoalCore

/// Reads the pages of one column chunk into a ``LeafAccumulator``.
///
/// Handles DATA_PAGE v1 and v2, dictionary pages (PLAIN) with RLE_DICTIONARY / PLAIN_DICTIONARY data pages and a
/// fallback to PLAIN pages mid-chunk, RLE/bit-packed levels, RLE booleans, and the four supported codecs.
struct ColumnChunkReader {
    /// Where the chunk's bytes come from: the whole file in memory, or a random-access source read chunk by chunk.
    enum Bytes {
        case whole([UInt8])
        case source(any ParquetByteSource)
    }

    let bytes: Bytes
    /// First byte after the last column chunk (start of the footer).
    let dataEnd: Int
    let column: ResolvedColumn
    let limits: ParquetReadLimits

    var name: String { column.column.name }

    func malformed(_ what: String) -> ShoalError {
        ShoalError(.malformedInput, "column \(name): \(what)")
    }

    // MARK: - Chunk

    /// Reads the whole chunk, whose metadata promises `meta.numValues` leaf entries.
    func read(_ chunk: ColumnChunk, into acc: inout LeafAccumulator) throws {
        guard !chunk.isEncrypted else { throw ShoalError(.unsupported, "column \(name): encryption is not supported") }
        guard chunk.filePath == nil else {
            throw ShoalError(.unsupported, "column \(name): column chunks in external files are not supported")
        }
        guard let meta = chunk.metaData else { throw malformed("column chunk without metadata") }
        guard meta.type == column.physicalType.rawValue else {
            throw malformed("chunk type \(describe(physicalType: meta.type)) differs from the schema")
        }
        guard meta.numValues >= 0, meta.numValues <= Int64(limits.maxValuesPerColumnChunk) - Int64(acc.entryCount)
        else {
            throw ShoalError(.limitExceeded, "column \(name): \(meta.numValues) values exceed the limit")
        }
        // A chunk without values needs no pages (pyarrow writes data_page_offset 0 for empty chunks).
        if meta.numValues == 0 { return }
        // Start at the lowest page offset: dictionary_page_offset may be absent although a dictionary exists.
        var start = meta.dataPageOffset
        if let dictionaryOffset = meta.dictionaryPageOffset, dictionaryOffset > 0 {
            start = start > 0 ? min(start, dictionaryOffset) : dictionaryOffset
        }
        guard start >= 4, start < Int64(dataEnd), meta.totalCompressedSize >= 0,
            meta.totalCompressedSize <= Int64(dataEnd) - start
        else {
            throw malformed("chunk range \(start)+\(meta.totalCompressedSize) lies outside the file")
        }
        let fileBytes: [UInt8]
        let base: Int
        switch bytes {
        case .whole(let all):
            (fileBytes, base) = (all, 0)
        case .source(let source):
            (fileBytes, base) = (try source.read(offset: Int(start), count: Int(meta.totalCompressedSize)), Int(start))
        }
        var position = Int(start) - base
        let end = Int(start + meta.totalCompressedSize) - base
        let target = acc.entryCount + Int(meta.numValues)
        var dictionary: LeafValues?
        var sawDataPage = false
        while acc.entryCount < target {
            guard position < end else { throw malformed("chunk ends after \(acc.entryCount) of \(target) values") }
            var reader = ThriftCompactReader(bytes: fileBytes, start: position, end: end, limits: limits)
            let header = try PageHeader(thrift: &reader)
            let bodyStart = reader.position
            let compressedSize = Int(header.compressedPageSize)
            let uncompressedSize = Int(header.uncompressedPageSize)
            guard compressedSize <= limits.maxPageSize, uncompressedSize <= limits.maxPageSize else {
                throw ShoalError(
                    .limitExceeded,
                    "column \(name): page of \(max(compressedSize, uncompressedSize)) bytes exceeds \(limits.maxPageSize)"
                )
            }
            guard compressedSize <= end - bodyStart else {
                throw malformed("page of \(compressedSize) bytes runs past the chunk")
            }
            let body = fileBytes[bodyStart..<bodyStart + compressedSize]
            position = bodyStart + compressedSize
            switch PageType(rawValue: header.type) {
            case .dictionaryPage:
                guard dictionary == nil, !sawDataPage, let dictionaryHeader = header.dictionaryPageHeader else {
                    throw malformed("unexpected dictionary page")
                }
                dictionary = try readDictionary(dictionaryHeader, body, uncompressedSize, codec: meta.codec)
            case .dataPage:
                sawDataPage = true
                guard let v1 = header.dataPageHeader else { throw malformed("data page without its header") }
                let page = try decompressPage(
                    codec: meta.codec,
                    body,
                    uncompressedLength: uncompressedSize,
                    column: name
                )
                try readDataPageV1(v1, page, dictionary: dictionary, remaining: target - acc.entryCount, into: &acc)
            case .dataPageV2:
                sawDataPage = true
                guard let v2 = header.dataPageHeaderV2 else { throw malformed("data page v2 without its header") }
                try readDataPageV2(
                    v2,
                    body,
                    uncompressedSize,
                    codec: meta.codec,
                    dictionary: dictionary,
                    remaining: target - acc.entryCount,
                    into: &acc
                )
            case .indexPage, nil:
                continue
            }
        }
    }

    // MARK: - Pages

    private func readDictionary(
        _ header: DictionaryPageHeader,
        _ body: ArraySlice<UInt8>,
        _ uncompressedSize: Int,
        codec: Int32
    ) throws -> LeafValues {
        guard header.encoding == PageEncoding.plain.rawValue || header.encoding == PageEncoding.plainDictionary.rawValue
        else {
            throw ShoalError(.unsupported, "column \(name): dictionary encoding \(header.encoding) is not supported")
        }
        let count = Int(header.numValues)
        guard count >= 0, count <= limits.maxDictionaryEntries else {
            throw ShoalError(.limitExceeded, "column \(name): dictionary of \(count) entries")
        }
        let page = try decompressPage(codec: codec, body, uncompressedLength: uncompressedSize, column: name)
        var values = LeafValues(physicalType: column.physicalType)
        try page.withUnsafeBufferPointer { buffer in
            _ = try PlainDecoder.decode(
                buffer,
                start: 0,
                end: buffer.count,
                count: count,
                physicalType: column.physicalType,
                typeLength: column.typeLength,
                column: name,
                into: &values
            )
        }
        return values
    }

    private func readDataPageV1(
        _ header: DataPageHeader,
        _ page: [UInt8],
        dictionary: LeafValues?,
        remaining: Int,
        into acc: inout LeafAccumulator
    ) throws {
        let count = Int(header.numValues)
        guard count >= 0, count <= remaining else { throw malformed("page of \(count) values exceeds the chunk") }
        try page.withUnsafeBufferPointer { buffer in
            var position = 0
            if column.maxRepetitionLevel > 0 {
                guard header.repetitionLevelEncoding == PageEncoding.rle.rawValue else {
                    throw ShoalError(.unsupported, "column \(name): BIT_PACKED repetition levels are not supported")
                }
                position = try readPrefixedLevels(
                    buffer,
                    position,
                    count,
                    column.maxRepetitionLevel,
                    &acc.repetitionLevels
                )
            }
            var nonNull = count
            if column.maxDefinitionLevel > 0 {
                guard header.definitionLevelEncoding == PageEncoding.rle.rawValue else {
                    throw ShoalError(.unsupported, "column \(name): BIT_PACKED definition levels are not supported")
                }
                let before = acc.definitionLevels.count
                position = try readPrefixedLevels(
                    buffer,
                    position,
                    count,
                    column.maxDefinitionLevel,
                    &acc.definitionLevels
                )
                nonNull = countDefined(acc.definitionLevels[before...])
            }
            try readValues(buffer, position, buffer.count, nonNull, encoding: header.encoding, dictionary, &acc.values)
        }
        acc.entryCount += count
    }

    private func readDataPageV2(
        _ header: DataPageHeaderV2,
        _ body: ArraySlice<UInt8>,
        _ uncompressedSize: Int,
        codec: Int32,
        dictionary: LeafValues?,
        remaining: Int,
        into acc: inout LeafAccumulator
    ) throws {
        let count = Int(header.numValues)
        guard count >= 0, count <= remaining else { throw malformed("page of \(count) values exceeds the chunk") }
        let repLength = Int(header.repetitionLevelsByteLength)
        let defLength = Int(header.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count,
            repLength + defLength <= uncompressedSize
        else { throw malformed("data page v2 level lengths exceed the page") }
        let levelsEnd = body.startIndex + repLength + defLength
        let valuesBody = body[levelsEnd...]
        let valuesLength = uncompressedSize - repLength - defLength
        let values: [UInt8]
        if header.isCompressed {
            values = try decompressPage(codec: codec, valuesBody, uncompressedLength: valuesLength, column: name)
        } else {
            guard valuesBody.count == valuesLength else { throw malformed("uncompressed v2 page size mismatch") }
            values = Array(valuesBody)
        }
        try body.withUnsafeBufferPointer { levels in
            if column.maxRepetitionLevel > 0 {
                try decodeLevels(levels, 0, repLength, count, column.maxRepetitionLevel, &acc.repetitionLevels)
            }
            if column.maxDefinitionLevel > 0 {
                try decodeLevels(
                    levels,
                    repLength,
                    repLength + defLength,
                    count,
                    column.maxDefinitionLevel,
                    &acc.definitionLevels
                )
            }
        }
        let nonNull =
            column.maxDefinitionLevel > 0
            ? countDefined(acc.definitionLevels[(acc.definitionLevels.count - count)...]) : count
        try values.withUnsafeBufferPointer { buffer in
            try readValues(buffer, 0, buffer.count, nonNull, encoding: header.encoding, dictionary, &acc.values)
        }
        acc.entryCount += count
    }
}
