#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux to back the 2 MiB-aligned interior of `bytes` with transparent huge pages (fewer TLB misses on the
/// random reads of a graph walk). A hint: any failure is ignored, results are unchanged.
func adviseHugePages(_ bytes: UnsafeRawBufferPointer) {
    #if os(Linux)
    guard let base = bytes.baseAddress else { return }
    let huge = 2 << 20
    let start = (UInt(bitPattern: base) + UInt(huge - 1)) & ~UInt(huge - 1)
    let end = (UInt(bitPattern: base) + UInt(bytes.count)) & ~UInt(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, Int(end - start), 14)  // MADV_HUGEPAGE
    _ = madvise(pointer, Int(end - start), 25)  // MADV_COLLAPSE
    #endif
}
