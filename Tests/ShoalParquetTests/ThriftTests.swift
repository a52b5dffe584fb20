import ShoalCore
import Testing

@testable import ShoalParquet

@Suite("Thrift compact protocol")
struct ThriftTests {
    private func reader(_ bytes: [UInt8], limits: ParquetReadLimits = .default) -> ThriftCompactReader {
        ThriftCompactReader(bytes: bytes, start: 0, end: bytes.count, limits: limits)
    }

    @Test("metadata written by the writer reads back equal")
    func metadataRoundTrip() throws {
        var meta = FileMetaData()
        var root = SchemaElement()
        root.name = "schema"
        root.numChildren = 1
        var leaf = SchemaElement()
        leaf.name = "s"
        leaf.type = PhysicalType.byteArray.rawValue
        leaf.repetition = Repetition.optional.rawValue
        leaf.convertedType = ConvertedType.utf8.rawValue
        leaf.logicalType = .string
        meta.schema = [root, leaf]
        meta.numRows = 1 << 40
        var column = ColumnMetaData()
        column.type = 6
        column.encodings = Array(repeating: 0, count: 20)
        column.pathInSchema = ["s"]
        column.numValues = -5
        column.dataPageOffset = 4
        column.dictionaryPageOffset = 1_000
        var stats = Statistics()
        stats.nullCount = 3
        stats.minValue = [1, 2]
        stats.maxValue = []
        column.statistics = stats
        var chunk = ColumnChunk()
        chunk.metaData = column
        var group = RowGroup()
        group.columns = [chunk]
        group.numRows = 7
        group.ordinal = 3
        meta.rowGroups = [group]
        meta.keyValueMetadata = [KeyValue(key: "k", value: "v"), KeyValue(key: "only", value: nil)]
        meta.createdBy = "shoal version 0.1"
        var writer = ThriftCompactWriter()
        meta.write(to: &writer)
        var r = reader(writer.bytes)
        let back = try FileMetaData(thrift: &r, limits: .default)
        #expect(r.remaining == 0)
        #expect(back == meta)
    }

    @Test("unknown fields of every type are skipped, including long-form field ids")
    func skipUnknown() throws {
        var bytes: [UInt8] = [0x48, 0x01, 0x78]  // field 4 (binary) "x"
        bytes += [0x07, 0x28] + Array(repeating: 0, count: 8)  // field 20: double (long form, zigzag 20 = 40)
        bytes += [0x19, 0x2C, 0x15, 0x02, 0x00, 0x00]  // field 21: list<struct> of 2 {field 1: i32 1}, {}
        bytes += [0x1B, 0x01, 0x58, 0x02, 0x01, 0x61]  // field 22: map<i32, binary> {1: "a"}
        bytes += [0x11]  // field 23: bool true
        bytes += [0x1A, 0x11, 0x01]  // field 24: set<bool> {true}
        bytes += [0x13, 0x7F]  // field 25: byte
        bytes += [0x1C, 0x1C, 0x00, 0x00]  // field 26: struct { struct {} }
        bytes += [0x05, 0x0A, 0x04]  // field 5 (long form id 5): i32 num_children = 2
        bytes += [0x00]
        var r = reader(bytes)
        let element = try SchemaElement(thrift: &r)
        #expect(element.name == "x")
        #expect(element.numChildren == 2)
        #expect(r.remaining == 0)
    }

    @Test("varints, zigzag and list headers decode")
    func primitives() throws {
        var r = reader([0x96, 0x01, 0x03, 0xF6, 0x15] + Array(repeating: 0, count: 21))
        #expect(try r.readVarint() == 150)
        #expect(try r.readZigZag() == -2)
        let (type, count) = try r.readListHeader(.list)
        #expect(type == .i64)
        #expect(count == 15 + 6)
    }

    @Test("bounds: deep nesting, huge lists, long strings, truncation")
    func bounds() {
        // 200 nested struct fields.
        let deep = Array(repeating: UInt8(0x1C), count: 200) + Array(repeating: 0, count: 201)
        expectShoalError([.limitExceeded]) {
            var r = reader(deep)
            try r.skip(.struct)
        }
        // A list claiming 2^30 elements in 6 bytes.
        expectShoalError([.malformedInput, .limitExceeded]) {
            var r = reader([0xF5, 0x80, 0x80, 0x80, 0x80, 0x04])
            _ = try r.readListHeader(.list)
        }
        // A binary claiming 2^40 bytes.
        expectShoalError([.malformedInput, .limitExceeded]) {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
            _ = try r.readBinary(.binary)
        }
        // An 11-byte varint.
        expectShoalError([.malformedInput]) {
            var r = reader(Array(repeating: 0xFF, count: 11))
            _ = try r.readVarint()
        }
        // A struct with no stop byte.
        expectShoalError([.malformedInput]) {
            var r = reader([0x15, 0x02])
            _ = try SchemaElement(thrift: &r)
        }
        // An i32 field holding 2^40.
        expectShoalError([.malformedInput]) {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x40])
            _ = try r.readI32(.i32)
        }
        // Missing required fields.
        expectShoalError([.malformedInput]) {
            var r = reader([0x00])
            _ = try PageHeader(thrift: &r)
        }
    }

    @Test("random bytes never trap the metadata decoder")
    func fuzz() {
        var rng = SplitMix64(seed: 99)
        var limits = ParquetReadLimits.default
        limits.maxThriftCollectionSize = 1 << 12
        for _ in 0..<5000 {
            let bytes = (0..<Int(rng.next() % 80)).map { _ in
                UInt8(truncatingIfNeeded: rng.next() % 7 == 0 ? 0 : rng.next())
            }
            var r = reader(bytes, limits: limits)
            do {
                _ = try FileMetaData(thrift: &r, limits: limits)
            } catch let error as ShoalError {
                #expect(error.code == .malformedInput || error.code == .limitExceeded)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
