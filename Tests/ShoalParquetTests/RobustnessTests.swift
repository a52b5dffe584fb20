import ShoalCore
import Testing

@testable import ShoalParquet

/// Tight limits so that mutated files cannot make the fuzz loop allocate much.
let fuzzLimits: ParquetReadLimits = {
    var limits = ParquetReadLimits.default
    limits.maxPageSize = 1 << 20
    limits.maxRows = 1 << 16
    limits.maxValuesPerColumnChunk = 1 << 18
    limits.maxThriftCollectionSize = 1 << 12
    limits.maxDictionaryEntries = 1 << 16
    return limits
}()

/// Reads `bytes`, accepting success or a typed error; records anything else.
func readAcceptingTypedErrors(_ bytes: [UInt8], limits: ParquetReadLimits = fuzzLimits) -> ShoalError? {
    do {
        _ = try ParquetReader.read(bytes, limits: limits)
        return nil
    } catch let error as ShoalError {
        let allowed: Set<ShoalError.Code> = [.malformedInput, .limitExceeded, .unsupported]
        #expect(allowed.contains(error.code), "unexpected code: \(error)")
        return error
    } catch {
        Issue.record("untyped error \(error)")
        return nil
    }
}

/// Rebuilds a file from a data region and a (possibly modified) footer.
func assemble(_ data: ArraySlice<UInt8>, _ meta: FileMetaData) -> [UInt8] {
    var writer = ThriftCompactWriter()
    meta.write(to: &writer)
    let n = UInt32(writer.bytes.count)
    return Array(data) + writer.bytes + [
        UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24),
    ]
        + Array("PAR1".utf8)
}

/// The data region (magic + chunks) of a file written by Shoal.
func dataRegion(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    let n = bytes.count
    let footer = Int(
        UInt32(bytes[n - 8]) | UInt32(bytes[n - 7]) << 8 | UInt32(bytes[n - 6]) << 16 | UInt32(bytes[n - 5]) << 24
    )
    return bytes[0..<(n - 8 - footer)]
}

@Suite("Parquet reader robustness")
struct RobustnessTests {
    static func sampleFile(_ codec: ParquetCompression) throws -> [UInt8] {
        let table = try RandomTables.table(types: RandomTables.allTypes, rows: 40, seed: 3)
        return try ParquetWriter.write(table, options: ParquetWriteOptions(compression: codec, dataPageSize: 64))
    }

    @Test("every truncation is a typed error", arguments: [ParquetCompression.none, .snappy])
    func truncation(codec: ParquetCompression) throws {
        let file = try Self.sampleFile(codec)
        for length in 0..<file.count {
            #expect(readAcceptingTypedErrors(Array(file.prefix(length))) != nil, "prefix \(length)")
        }
        // Dropping bytes from the middle keeps valid magic and footer length but shifts every offset.
        for cut in stride(from: 4, to: file.count - 8, by: 37) {
            var damaged = file
            damaged.remove(at: cut)
            _ = readAcceptingTypedErrors(damaged)
        }
    }

    @Test("seeded fuzz: thousands of mutations of valid files never trap", arguments: ParquetCompression.allCases)
    func fuzz(codec: ParquetCompression) throws {
        let file = try Self.sampleFile(codec)
        let footerStart = dataRegion(file).count
        var rng = SplitMix64(seed: 0xF0CC + UInt64(codec.thriftValue))
        var failures = 0
        for round in 0..<1500 {
            var mutated = file
            let edits = Int(rng.next() % 4) + 1
            for _ in 0..<edits {
                // Half of the edits hit the footer, where one flip changes the most structure.
                let low = round % 2 == 0 ? footerStart : 0
                let index = low + Int(rng.next() % UInt64(mutated.count - low))
                switch rng.next() % 4 {
                case 0: mutated[index] ^= UInt8(1) << UInt8(rng.next() % 8)
                case 1: mutated[index] = UInt8(truncatingIfNeeded: rng.next())
                case 2: mutated[index] = [0x00, 0xFF, 0x7F, 0x80][Int(rng.next() % 4)]
                default: mutated[index] &+= 1
                }
            }
            if readAcceptingTypedErrors(mutated) != nil { failures += 1 }
        }
        // Most mutations must be detected (statistics bytes and some values can change harmlessly).
        #expect(failures > 100)
    }

    @Test("a page header claiming 2^40 bytes, or 2^31-1 bytes, is a typed error")
    func hugePageHeader() throws {
        let table = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("x", .int64, nullable: false)]),
            columns: [ParquetColumnData(.int64([1, 2, 3]))]
        )
        let original = try ParquetWriter.write(table)
        var meta = try ParquetReader.readMetadata(original, limits: .default)
        let column = try #require(meta.rowGroups.first?.columns.first?.metaData)
        let body = Array(
            original[
                (Int(column.dataPageOffset) + Int(column.totalCompressedSize) - 24)..<Int(
                    column.dataPageOffset + column.totalCompressedSize
                )
            ]
        )
        #expect(body.count == 24)

        func crafted(withHeader header: [UInt8]) -> [UInt8] {
            var chunk = column
            chunk.dataPageOffset = 4
            chunk.totalCompressedSize = Int64(header.count + body.count)
            meta.rowGroups[0].columns[0].metaData = chunk
            return assemble(Array("PAR1".utf8)[...] + header + body, meta)
        }
        // Hand-written PageHeader: type DATA_PAGE, sizes as given, DataPageHeader(3 values, PLAIN, RLE, RLE).
        func header(uncompressed: [UInt8], compressed: [UInt8]) -> [UInt8] {
            [0x15, 0x00, 0x15] + uncompressed + [0x15] + compressed + [
                0x2C, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00,
            ]
        }
        let sane: [UInt8] = [0x30]  // zigzag(24)
        let twoTo40: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x40]  // zigzag(2^40)
        let int32Max: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]  // zigzag(2^31 - 1)
        #expect(try ParquetReader.read(crafted(withHeader: header(uncompressed: sane, compressed: sane))).rowCount == 3)
        for (u, c) in [(twoTo40, sane), (sane, twoTo40), (int32Max, sane), (sane, int32Max)] {
            let error = expectShoalError([.malformedInput, .limitExceeded]) {
                _ = try ParquetReader.read(crafted(withHeader: header(uncompressed: u, compressed: c)))
            }
            #expect(error != nil)
        }
        // The same through a compressed chunk: the declared size must match the codec's output.
        var snappyMeta = meta
        snappyMeta.rowGroups[0].columns[0].metaData?.codec = 1
        meta = snappyMeta
        expectShoalError([.malformedInput, .limitExceeded]) {
            _ = try ParquetReader.read(crafted(withHeader: header(uncompressed: int32Max, compressed: sane)))
        }
    }

    @Test("metadata claiming huge counts and offsets is rejected before allocating")
    func hugeMetadataClaims() throws {
        let table = try RandomTables.table(types: [.int64, .string], rows: 10, seed: 1)
        let file = try ParquetWriter.write(table)
        let meta = try ParquetReader.readMetadata(file, limits: .default)
        let data = dataRegion(file)
        var edits: [(inout FileMetaData) -> Void] = []
        edits.append { $0.rowGroups[0].numRows = 1 << 40 }
        edits.append { $0.rowGroups[0].columns[0].metaData?.numValues = 1 << 40 }
        edits.append { $0.rowGroups[0].columns[0].metaData?.totalCompressedSize = 1 << 40 }
        edits.append { $0.rowGroups[0].columns[0].metaData?.dataPageOffset = 1 << 40 }
        edits.append { $0.rowGroups[0].columns[0].metaData?.dataPageOffset = -5 }
        edits.append { $0.rowGroups[0].columns[1].metaData?.numValues = 11 }
        edits.append { $0.rowGroups[0].columns.removeLast() }
        edits.append { $0.schema[0].numChildren = 1 << 30 }
        edits.append { $0.schema[1].type = 99 }
        for (index, edit) in edits.enumerated() {
            var changed = meta
            edit(&changed)
            let error = readAcceptingTypedErrors(assemble(data, changed), limits: .default)
            #expect(error != nil, "edit \(index) was accepted")
        }
        // A footer length beyond the file, and a bad magic.
        var badLength = file
        badLength[file.count - 5] = 0x7F
        #expect(readAcceptingTypedErrors(badLength, limits: .default)?.code == .limitExceeded)
        var badMagic = file
        badMagic[0] = 0x51
        #expect(readAcceptingTypedErrors(badMagic)?.code == .malformedInput)
    }
}
