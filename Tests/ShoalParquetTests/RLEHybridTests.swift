import ShoalCore
import Testing

@testable import ShoalParquet

@Suite("RLE / bit-packed hybrid")
struct RLEHybridTests {
    private func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
        var out: [UInt32] = []
        try bytes.withUnsafeBufferPointer {
            try RLEHybrid.decode($0, start: 0, end: $0.count, bitWidth: bitWidth, count: count, into: &out)
        }
        return out
    }

    @Test("decodes the specification's bit-packing example (0...7, width 3)")
    func specExample() throws {
        #expect(try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8) == Array(0...7))
        // An RLE run: 5 repeats of the value 2 at width 2.
        #expect(try decode([0x0A, 0x02], bitWidth: 2, count: 5) == [2, 2, 2, 2, 2])
    }

    @Test("round trips random run-heavy and noisy data at widths 0...20")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 5)
        for round in 0..<400 {
            let width = round % 21
            let count = Int(rng.next() % 300)
            let maxValue = width == 0 ? 0 : (UInt64(1) << UInt64(width)) - 1
            var values: [UInt32] = []
            while values.count < count {
                let value = UInt32(maxValue == 0 ? 0 : rng.next() % (maxValue + 1))
                let run = rng.next() % 3 == 0 ? Int(rng.next() % 40) : 1
                values.append(contentsOf: repeatElement(value, count: min(run, count - values.count)))
            }
            var encoded: [UInt8] = []
            RLEHybrid.encode(values, bitWidth: width, into: &encoded)
            #expect(try decode(encoded, bitWidth: width, count: count) == values)
        }
    }

    @Test("rejects truncated runs, wide values and bad widths")
    func malformed() {
        expectShoalError([.malformedInput]) { _ = try decode([0x03, 0x88], bitWidth: 3, count: 8) }
        expectShoalError([.malformedInput]) { _ = try decode([0x0A], bitWidth: 2, count: 5) }
        expectShoalError([.malformedInput]) { _ = try decode([0x0A, 0x07], bitWidth: 2, count: 5) }
        expectShoalError([.malformedInput]) { _ = try decode([], bitWidth: 1, count: 1) }
        expectShoalError([.malformedInput]) { _ = try decode([0x02, 0x01], bitWidth: 33, count: 1) }
        expectShoalError([.malformedInput]) {
            _ = try decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], bitWidth: 1, count: 1)
        }
    }

    @Test("a huge RLE run only produces the values asked for")
    func hugeRunIsBounded() throws {
        // Run header claiming 2^40 repeats of 1.
        var header: [UInt8] = []
        RLEHybrid.writeVarint(UInt64(1) << 41, into: &header)
        let out = try decode(header + [1], bitWidth: 1, count: 10)
        #expect(out == Array(repeating: 1, count: 10))
    }
}
