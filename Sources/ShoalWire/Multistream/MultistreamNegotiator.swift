public import ShoalCore

/// What the multistream-select dialer and listener have in common: a header to send first, then bytes in and
/// actions out. Lets one driver run either side of a negotiation.
public protocol MultistreamNegotiator: Sendable {
    /// The bytes to send as soon as the channel is open.
    mutating func start() -> [UInt8]
    /// Takes received bytes and returns what to write and, at the end, the agreed protocol and leftover bytes.
    mutating func receive(_ bytes: [UInt8]) throws(ShoalError) -> [MultistreamAction]
}

extension MultistreamDialer: MultistreamNegotiator {}
extension MultistreamListener: MultistreamNegotiator {}
