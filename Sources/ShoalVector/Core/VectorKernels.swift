/// Inner product and squared Euclidean distance over float32 vectors, with 16-lane SIMD accumulators.
///
/// Two accumulators of `SIMD16<Float>` are fed 32 elements per step (unaligned loads), then one 16-wide step and a
/// scalar tail. No BLAS: the kernels are plain Swift SIMD, which the compiler lowers to the host's vector unit.
public enum VectorKernels {
    /// `Σ a[i]·b[i]` over `count` elements.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= count {
            let o = i &* 4
            acc0 +=
                ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            acc1 +=
                ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            i &+= 32
        }
        if i + 16 <= count {
            let o = i &* 4
            acc0 +=
                ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            i &+= 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// `Σ (a[i] − b[i])²` over `count` elements.
    @inline(__always)
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= count {
            let o = i &* 4
            let d0 =
                ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let d1 =
                ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            acc0 += d0 * d0
            acc1 += d1 * d1
            i &+= 32
        }
        if i + 16 <= count {
            let o = i &* 4
            let d0 =
                ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            acc0 += d0 * d0
            i &+= 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            let d = a[i] - b[i]
            sum += d * d
            i &+= 1
        }
        return sum
    }
}
