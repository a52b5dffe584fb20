import ShoalCore
import Testing

@testable import ShoalParquet

@Suite("Page codecs: Snappy, GZIP, ZSTD")
struct CodecTests {
    static func samples() -> [[UInt8]] {
        var rng = SplitMix64(seed: 9)
        var result: [[UInt8]] = [[], [42], Array("abcabcabcabcabcabc".utf8), Array(repeating: 7, count: 100_000)]
        result.append((0..<70_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        result.append((0..<200_000).map { i in UInt8(i % 251) ^ (rng.next() % 13 == 0 ? 1 : 0) })
        let text = Array("the quick brown fox jumps over the lazy dog, ".utf8)
        result.append((0..<5000).flatMap { _ in text })
        return result
    }

    @Test("Snappy round trips, including blocks larger than 64 KiB")
    func snappyRoundTrip() throws {
        for sample in Self.samples() {
            let compressed = Snappy.compress(sample)
            #expect(try Snappy.decompress(compressed[...], expectedLength: sample.count) == sample)
        }
        let repetitive = Array(repeating: UInt8(7), count: 100_000)
        #expect(Snappy.compress(repetitive).count < 6_000)
    }

    @Test("Snappy decodes a hand-made block with an overlapping copy")
    func snappyKnownBlock() throws {
        // Length 12; literal "abc"; copy of 9 bytes at offset 3 (1-byte-offset form).
        let block: [UInt8] = [0x0C, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03]
        #expect(try Snappy.decompress(block[...], expectedLength: 12) == Array("abcabcabcabc".utf8))
    }

    @Test("Snappy rejects bad offsets, overlong output and truncation")
    func snappyMalformed() {
        let bad: [[UInt8]] = [
            [0x0C, 0x08, 0x61, 0x62, 0x63, 0x15, 0x04],  // offset 4 > 3 bytes written
            [0x03, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03],  // copy runs past the declared 3 bytes
            [0x05, 0x10, 0x61],  // literal of 5 with 1 byte present
            [0x04, 0x0A, 0x01],  // truncated 2-byte-offset copy
            [0x80],  // truncated preamble
            [0x02, 0x00, 0x61],  // output short of the declared length
            [0x01, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF],  // 4-byte literal length beyond input
        ]
        for block in bad {
            expectShoalError([.malformedInput]) {
                _ = try Snappy.decompress(block[...], expectedLength: Int(block[0] & 0x7F))
            }
        }
        expectShoalError([.malformedInput]) {
            _ = try Snappy.decompress(Snappy.compress([1, 2, 3])[...], expectedLength: 4)
        }
    }

    @Test("Snappy decompressor survives random and mutated input")
    func snappyFuzz() {
        var rng = SplitMix64(seed: 1234)
        let valid = Snappy.compress(Self.samples()[5])
        for round in 0..<3000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                input = Array(valid.prefix(Int(rng.next() % 4000) + 1))
                for _ in 0..<3 { input[Int(rng.next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            do {
                let out = try Snappy.decompress(input[...], expectedLength: Int(rng.next() % 300_000))
                #expect(out.count <= 300_000)
            } catch let error as ShoalError {
                #expect(error.code == .malformedInput)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("GZIP and ZSTD round trip and are deterministic")
    func zlibAndZstd() throws {
        for sample in Self.samples() {
            let gz = try Gzip.compress(sample)
            #expect(try Gzip.compress(sample) == gz)
            #expect(gz.prefix(2) == [0x1F, 0x8B])
            #expect(try Gzip.decompress(gz[...], expectedLength: sample.count) == sample)
            let zs = try Zstd.compress(sample)
            #expect(try Zstd.compress(sample) == zs)
            #expect(try Zstd.decompress(zs[...], expectedLength: sample.count) == sample)
        }
    }

    @Test("GZIP and ZSTD reject wrong lengths and corrupt streams")
    func zlibAndZstdMalformed() throws {
        let sample = Self.samples()[6]
        let gz = try Gzip.compress(sample)
        let zs = try Zstd.compress(sample)
        expectShoalError([.malformedInput]) { _ = try Gzip.decompress(gz[...], expectedLength: sample.count - 1) }
        expectShoalError([.malformedInput]) { _ = try Gzip.decompress(gz[...], expectedLength: sample.count + 1) }
        expectShoalError([.malformedInput]) { _ = try Zstd.decompress(zs[...], expectedLength: sample.count - 1) }
        expectShoalError([.malformedInput]) { _ = try Zstd.decompress(zs[...], expectedLength: sample.count + 1) }
        expectShoalError([.malformedInput]) {
            _ = try Gzip.decompress(gz.prefix(gz.count / 2), expectedLength: sample.count)
        }
        expectShoalError([.malformedInput]) {
            _ = try Zstd.decompress(zs.prefix(zs.count / 2), expectedLength: sample.count)
        }
        var flipped = gz
        flipped[gz.count / 2] ^= 0xFF
        expectShoalError([.malformedInput]) { _ = try Gzip.decompress(flipped[...], expectedLength: sample.count) }
    }

    @Test("unsupported codecs are named")
    func unsupportedCodec() {
        let error = expectShoalError([.unsupported]) {
            _ = try decompressPage(codec: 5, [1, 2, 3][...], uncompressedLength: 3, column: "v")
        }
        #expect(error?.message.contains("LZ4") == true)
        #expect(error?.message.contains("column v") == true)
    }
}
