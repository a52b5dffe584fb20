public import ShoalCore

// MARK: - SimRandom

/// The simulators' seeded generator: ShoalCore's `SplitMix64` under the name the simulation code uses.
///
/// Not cryptographically secure. The same seed always yields the same sequence on every platform.
public typealias SimRandom = SplitMix64
