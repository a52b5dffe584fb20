import ShoalMultiformats
import Testing

/// A tiny seeded generator (SplitMix64) so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A random integer in `0..<bound` (non-generic and fast in debug builds; the tiny modulo bias is harmless).
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// A random integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A random byte.
    mutating func byte() -> UInt8 {
        UInt8(truncatingIfNeeded: next())
    }

    /// A random element of a non-empty array.
    mutating func pick<T>(_ array: [T]) -> T {
        array[below(array.count)]
    }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(byte()) }
        return out
    }

    /// Up to `maximum` random bytes.
    mutating func bytes(upTo maximum: Int) -> [UInt8] {
        bytes(int(in: 0...maximum))
    }

    /// A copy of `input` with 1–3 random edits (flip, insert, delete, truncate, duplicate).
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var out = input
        for _ in 0..<int(in: 1...3) {
            switch below(5) {
            case 0 where !out.isEmpty:
                out[below(out.count)] ^= UInt8(1) << UInt8(below(8))
            case 1:
                out.insert(byte(), at: int(in: 0...out.count))
            case 2 where !out.isEmpty:
                out.remove(at: below(out.count))
            case 3 where !out.isEmpty:
                out.removeLast(int(in: 1...out.count))
            case 4 where !out.isEmpty:
                let index = below(out.count)
                out.insert(out[index], at: index)
            default:
                out.append(byte())
            }
        }
        return out
    }
}

/// Parses hex test vectors (spaces allowed).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") })
    precondition(digits.count % 2 == 0, "odd hex vector")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: preconditionFailure("bad hex vector")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

/// Lower-case hex of bytes, for readable expectation failures.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Runs `body` and returns the ``MultiformatsError`` it throws, recording an issue if it returns normally.
func expectFailure<T>(
    _ body: () throws(MultiformatsError) -> T,
    sourceLocation: SourceLocation = #_sourceLocation
) -> MultiformatsError? {
    do {
        let value = try body()
        Issue.record("expected an error, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
