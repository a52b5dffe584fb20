// A cache prefetch hint for ShoalVector's HNSW walk (Swift has no prefetch intrinsic). Header only: the
// static inline function is imported by Swift and inlined, so it costs one instruction (prefetcht0 on x86-64).
#ifndef SHOAL_PREFETCH_SHIM_H
#define SHOAL_PREFETCH_SHIM_H

/// Asks the CPU to start loading the cache line holding `address` (a hint: never faults, no effect on results).
static inline __attribute__((always_inline)) void shoal_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
