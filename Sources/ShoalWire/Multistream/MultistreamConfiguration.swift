// MARK: - Configuration

/// Limits for a multistream-select negotiation.
public struct MultistreamConfiguration: Sendable, Hashable {
    /// The default number of proposals a listener answers before giving up.
    public static let defaultMaximumProposals = 32

    /// The largest message accepted, in bytes (payload plus newline). Default 1024 (go-multistream).
    public let maximumMessageLength: Int
    /// The largest number of proposals (including `ls`) a listener answers before failing. Default 32.
    public let maximumProposals: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - maximumMessageLength: the largest message accepted; clamped to 20...16383.
    ///   - maximumProposals: the largest number of proposals answered; at least 1.
    public init(
        maximumMessageLength: Int = MultistreamMessage.defaultMaximumLength,
        maximumProposals: Int = MultistreamConfiguration.defaultMaximumProposals
    ) {
        self.maximumMessageLength = min(max(maximumMessageLength, 20), MultistreamMessage.maximumAllowedLength)
        self.maximumProposals = max(maximumProposals, 1)
    }
}

// MARK: - Action

/// What a multistream machine asks its driver to do.
public enum MultistreamAction: Sendable, Hashable {
    /// Send these bytes to the peer.
    case write([UInt8])
    /// Negotiation finished on `protocolID`. `leftover` holds the bytes already received past the negotiation:
    /// they belong to the agreed protocol and must be handed to it. The machine takes no more input.
    case agreed(protocolID: String, leftover: [UInt8])
}
