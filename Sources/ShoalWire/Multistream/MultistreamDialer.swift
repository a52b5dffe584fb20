public import ShoalCore

// MARK: - Dialer

/// The initiator side of multistream-select 1.0: proposes protocols until one is echoed.
///
/// The dialer pipelines: ``start()`` returns the header and the first proposal in one write. On `na` it proposes the
/// next protocol; when all are refused it throws `.negotiationFailed`. In lazy mode (one proposal only) the caller
/// may send application data right after ``start()``, and the echo is checked when it arrives; `na` then fails the
/// negotiation because the data already sent cannot be taken back.
///
/// Drive it with ``receive(_:)``: each call returns the actions to carry out. After ``MultistreamAction/agreed(protocolID:leftover:)``
/// the bytes in `leftover` belong to the agreed protocol.
public struct MultistreamDialer: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingHeader
        case awaitingAnswer
        case done
        case failed
    }

    /// The protocols to propose, in order.
    public let proposals: [String]
    /// Whether the caller may send application data before the echo (single proposal only).
    public let lazy: Bool
    /// The limits in force.
    public let configuration: MultistreamConfiguration

    private var state: State = .idle
    private var current = 0
    private var buffer = ByteQueue()

    /// Creates a dialer.
    /// - Parameters:
    ///   - proposals: the protocol IDs to propose, best first; each must start with `/`.
    ///   - lazy: when true, the caller may write application data right after ``start()``; needs exactly one
    ///     proposal.
    ///   - configuration: the limits.
    /// - Throws: ``ShoalError`` `.invalidArgument` for an empty list, a bad protocol ID, or lazy mode with more than
    ///   one proposal.
    public init(
        proposals: [String],
        lazy: Bool = false,
        configuration: MultistreamConfiguration = MultistreamConfiguration()
    ) throws(ShoalError) {
        guard !proposals.isEmpty else {
            throw ShoalError(.invalidArgument, "multistream dialer needs at least one proposal")
        }
        if lazy && proposals.count != 1 {
            throw ShoalError(.invalidArgument, "lazy multistream negotiation needs exactly one proposal")
        }
        for proposal in proposals {
            try MultistreamMessage.validateProtocolID(proposal, maximumLength: configuration.maximumMessageLength)
        }
        self.proposals = proposals
        self.lazy = lazy
        self.configuration = configuration
    }

    /// The protocol currently proposed.
    public var currentProposal: String { proposals[min(current, proposals.count - 1)] }

    /// The bytes held while waiting for the rest of a message (bounded by the maximum message length).
    var bufferedByteCount: Int { buffer.count }

    /// Whether the negotiation has finished (agreed or failed).
    public var isFinished: Bool {
        switch state {
        case .done, .failed: return true
        default: return false
        }
    }

    /// Starts the negotiation.
    /// - Returns: the bytes to send: the header and the first proposal, in one write.
    public mutating func start() -> [UInt8] {
        precondition(state == .idle, "MultistreamDialer.start() called twice")
        state = .awaitingHeader
        var out: [UInt8] = []
        MultistreamMessage.encode(MultistreamMessage.header, into: &out)
        MultistreamMessage.encode(proposals[0], into: &out)
        return out
    }

    /// Feeds bytes received from the listener.
    /// - Parameter bytes: any number of bytes, even one at a time.
    /// - Returns: the actions to carry out, in order.
    /// - Throws: ``ShoalError`` `.negotiationFailed` when every proposal was refused, `.protocolViolation` for a
    ///   wrong header or an unexpected answer, `.limitExceeded`/`.malformedInput` for a bad message, `.closed` when
    ///   fed after the end or before ``start()``.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) throws(ShoalError) -> [MultistreamAction] {
        switch state {
        case .idle:
            throw ShoalError(.invalidArgument, "MultistreamDialer.receive called before start()")
        case .done, .failed:
            throw ShoalError(.closed, "multistream negotiation already finished")
        case .awaitingHeader, .awaitingAnswer:
            break
        }
        buffer.append(bytes)
        do {
            return try process()
        } catch {
            state = .failed
            buffer = ByteQueue()
            throw error
        }
    }

    /// Feeds bytes received from the listener. See ``receive(_:)-(ArraySlice<UInt8>)``.
    public mutating func receive(_ bytes: [UInt8]) throws(ShoalError) -> [MultistreamAction] {
        try receive(bytes[...])
    }

    // MARK: - Processing

    private mutating func process() throws(ShoalError) -> [MultistreamAction] {
        var actions: [MultistreamAction] = []
        while let (text, consumed) = try MultistreamMessage.decode(
            buffer.readable,
            maximumLength: configuration.maximumMessageLength
        ) {
            buffer.consume(consumed)
            switch state {
            case .awaitingHeader:
                guard text == MultistreamMessage.header else {
                    throw ShoalError(.protocolViolation, "expected multistream header, got '\(text.prefix(64))'")
                }
                state = .awaitingAnswer
            case .awaitingAnswer:
                if text == proposals[current] {
                    state = .done
                    let leftover = Array(buffer.readable)
                    buffer = ByteQueue()
                    actions.append(.agreed(protocolID: text, leftover: leftover))
                    return actions
                }
                guard text == MultistreamMessage.notAvailable else {
                    throw ShoalError(
                        .protocolViolation,
                        "unexpected multistream answer '\(text.prefix(64))' to '\(proposals[current])'"
                    )
                }
                if lazy {
                    throw ShoalError(.negotiationFailed, "peer refused lazily proposed '\(proposals[current])'")
                }
                current += 1
                guard current < proposals.count else {
                    throw ShoalError(
                        .negotiationFailed,
                        "peer refused all \(proposals.count) proposed protocols"
                    )
                }
                actions.append(.write(MultistreamMessage.encode(proposals[current])))
            case .idle, .done, .failed:
                return actions
            }
        }
        return actions
    }
}
