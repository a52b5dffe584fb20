/// Computes column-chunk statistics (min_value, max_value, null_count) for the writer.
///
/// Orders follow the Parquet spec's type-defined order: signed for integers, IEEE order without NaN for floats
/// (a zero minimum is written as -0.0 and a zero maximum as +0.0), false < true, unsigned bytewise for strings.
enum StatisticsBuilder {
    /// Statistics of a column's valid values; `nullCount` is supplied by the caller.
    static func statistics(for data: ParquetColumnData, nullCount: Int) -> Statistics {
        var stats = Statistics()
        stats.nullCount = Int64(nullCount)
        let validity = data.validity
        func valid(_ i: Int) -> Bool { validity?[i] ?? true }
        switch data.values {
        case .boolean(let v):
            var seen = Set<Bool>()
            for i in v.indices where valid(i) { seen.insert(v[i]) }
            if !seen.isEmpty {
                stats.minValue = [seen.contains(false) ? 0 : 1]
                stats.maxValue = [seen.contains(true) ? 1 : 0]
            }
        case .int32(let v): setMinMax(v, valid, &stats)
        case .int64(let v): setMinMax(v, valid, &stats)
        case .float(let v): setFloatMinMax(v.indices.lazy.filter(valid).map { v[$0] }, &stats)
        case .double(let v): setFloatMinMax(v.indices.lazy.filter(valid).map { v[$0] }, &stats)
        case .floatList(let v): setFloatMinMax(v.indices.lazy.filter(valid).flatMap { v[$0] }, &stats)
        case .string(let v):
            var lo: Int?
            var hi: Int?
            for i in v.indices where valid(i) {
                if lo == nil || utf8Less(v[i], v[lo!]) { lo = i }
                if hi == nil || utf8Less(v[hi!], v[i]) { hi = i }
            }
            stats.minValue = lo.map { Array(v[$0].utf8) }
            stats.maxValue = hi.map { Array(v[$0].utf8) }
        case .binary(let v):
            var lo: [UInt8]?
            var hi: [UInt8]?
            for i in v.indices where valid(i) {
                if lo == nil || v[i].lexicographicallyPrecedes(lo!) { lo = v[i] }
                if hi == nil || hi!.lexicographicallyPrecedes(v[i]) { hi = v[i] }
            }
            stats.minValue = lo
            stats.maxValue = hi
        }
        return stats
    }

    /// Unsigned bytewise order of the UTF-8 encodings.
    private static func utf8Less(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                for k in 0..<n where x[k] != y[k] { return x[k] < y[k] }
                return x.count < y.count
            }
        }
    }

    private static func littleEndian<T: BitwiseCopyable>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    private static func setMinMax<T: FixedWidthInteger & BitwiseCopyable>(
        _ v: [T],
        _ valid: (Int) -> Bool,
        _ stats: inout Statistics
    ) {
        var lo: T?
        var hi: T?
        for i in v.indices where valid(i) {
            let x = v[i]
            if lo == nil || x < lo! { lo = x }
            if hi == nil || x > hi! { hi = x }
        }
        stats.minValue = lo.map { littleEndian($0) }
        stats.maxValue = hi.map { littleEndian($0) }
    }

    private static func setFloatMinMax<S: Sequence>(_ values: S, _ stats: inout Statistics)
    where S.Element: BinaryFloatingPoint & BitwiseCopyable {
        var lo: S.Element?
        var hi: S.Element?
        for x in values where !x.isNaN {
            if lo == nil || x < lo! { lo = x }
            if hi == nil || x > hi! { hi = x }
        }
        if var lo, var hi {
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            stats.minValue = littleEndian(lo)
            stats.maxValue = littleEndian(hi)
        }
    }
}
