// MARK: - SplitMix64

/// A small, fast, seeded pseudo-random generator (SplitMix64: Steele, Lea and Flood, 2014).
///
/// The one deterministic generator of the project: protocol state machines (SWIM probe order, mDNS jitter), the
/// simulators, HNSW levels, benchmarks and tests take it so that a seed reproduces a run exactly, on every platform.
/// Not cryptographically secure: keys and nonces come from libsodium.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// Creates a generator from a seed.
    /// - Parameter seed: any 64-bit value; equal seeds give equal sequences.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in `[0, 1)` (53 random bits).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Whether an event of probability `p` happens.
    /// - Parameter p: the probability, clamped to `[0, 1]`.
    public mutating func chance(_ p: Double) -> Bool {
        if p <= 0 { return false }
        if p >= 1 { return true }
        return nextUnit() < p
    }

    /// A uniform integer in `0..<bound` (`bound` must be positive).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next(upperBound: UInt64(bound)))
    }

    /// A generator for a sub-stream, derived from this one (advances this generator once).
    public mutating func fork() -> SplitMix64 {
        SplitMix64(seed: next())
    }
}
