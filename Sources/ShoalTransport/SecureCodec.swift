import ShoalCore

/// The encrypted framing of an established connection, as the connection runtime uses it.
///
/// The Noise transport implements it; tests may use a plain pass-through.
public protocol SecureFrameCodec: Sendable {
    /// Encrypts `plaintext` (any length: it is split into frames as needed) and appends the frames to `out`.
    mutating func seal(_ plaintext: [UInt8], into out: inout [UInt8]) throws
    /// Feeds received bytes; returns the plaintext of every frame completed so far (possibly empty).
    mutating func open(_ bytes: [UInt8]) throws -> [UInt8]
}
