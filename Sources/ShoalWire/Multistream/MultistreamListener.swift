public import ShoalCore

// MARK: - Matcher

/// A Sendable predicate that accepts protocol IDs beyond the exact-match set of a ``MultistreamListener``
/// (for example every version of a protocol family).
public struct MultistreamProtocolMatcher: Sendable {
    private let predicate: @Sendable (String) -> Bool

    /// Creates a matcher.
    /// - Parameter predicate: returns true for a proposed protocol ID the listener supports.
    public init(_ predicate: @escaping @Sendable (String) -> Bool) {
        self.predicate = predicate
    }

    /// Whether `protocolID` is accepted.
    public func matches(_ protocolID: String) -> Bool { predicate(protocolID) }

    /// A matcher accepting every protocol ID that starts with `prefix`.
    public static func prefix(_ prefix: String) -> MultistreamProtocolMatcher {
        MultistreamProtocolMatcher { $0.hasPrefix(prefix) }
    }
}

// MARK: - Listener

/// The responder side of multistream-select 1.0: answers each proposal with an echo or `na`.
///
/// ``start()`` returns the header, to be sent at once (without waiting for the dialer's header). The listener
/// accepts a pipelined header and proposal in one read, answers `ls` with `na` (as go-multistream does: the list
/// request is not supported), and fails after ``MultistreamConfiguration/maximumProposals`` proposals. A proposal
/// that is neither `ls` nor starts with `/` is a protocol violation.
///
/// After ``MultistreamAction/agreed(protocolID:leftover:)`` the bytes in `leftover` belong to the agreed protocol.
public struct MultistreamListener: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingHeader
        case awaitingProposal
        case done
        case failed
    }

    /// The protocol IDs accepted by exact match.
    public let supported: Set<String>
    /// An extra predicate for protocol IDs not in ``supported``.
    public let matcher: MultistreamProtocolMatcher?
    /// The limits in force.
    public let configuration: MultistreamConfiguration

    private var state: State = .idle
    private var proposalCount = 0
    private var buffer = ByteQueue()

    /// Creates a listener.
    /// - Parameters:
    ///   - supported: the protocol IDs accepted by exact match; each must start with `/`.
    ///   - matcher: an optional predicate for further protocol IDs.
    ///   - configuration: the limits.
    /// - Throws: ``ShoalError`` `.invalidArgument` for a bad protocol ID.
    public init(
        supported: Set<String>,
        matcher: MultistreamProtocolMatcher? = nil,
        configuration: MultistreamConfiguration = MultistreamConfiguration()
    ) throws(ShoalError) {
        for id in supported {
            try MultistreamMessage.validateProtocolID(id, maximumLength: configuration.maximumMessageLength)
        }
        self.supported = supported
        self.matcher = matcher
        self.configuration = configuration
    }

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
    /// - Returns: the header bytes, to send at once.
    public mutating func start() -> [UInt8] {
        precondition(state == .idle, "MultistreamListener.start() called twice")
        state = .awaitingHeader
        return MultistreamMessage.encode(MultistreamMessage.header)
    }

    /// Feeds bytes received from the dialer.
    /// - Parameter bytes: any number of bytes, even one at a time.
    /// - Returns: the actions to carry out, in order (answers are coalesced into one write).
    /// - Throws: ``ShoalError`` `.protocolViolation` for a wrong header or a proposal without a leading `/`,
    ///   `.limitExceeded` for too many proposals or an overlong line, `.malformedInput` for a bad message, `.closed`
    ///   when fed after the end.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) throws(ShoalError) -> [MultistreamAction] {
        switch state {
        case .idle:
            throw ShoalError(.invalidArgument, "MultistreamListener.receive called before start()")
        case .done, .failed:
            throw ShoalError(.closed, "multistream negotiation already finished")
        case .awaitingHeader, .awaitingProposal:
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

    /// Feeds bytes received from the dialer. See ``receive(_:)-(ArraySlice<UInt8>)``.
    public mutating func receive(_ bytes: [UInt8]) throws(ShoalError) -> [MultistreamAction] {
        try receive(bytes[...])
    }

    // MARK: - Processing

    private func isSupported(_ id: String) -> Bool {
        supported.contains(id) || (matcher?.matches(id) ?? false)
    }

    private mutating func process() throws(ShoalError) -> [MultistreamAction] {
        var out: [UInt8] = []
        while let (text, consumed) = try MultistreamMessage.decode(
            buffer.readable,
            maximumLength: configuration.maximumMessageLength
        ) {
            buffer.consume(consumed)
            if state == .awaitingHeader {
                guard text == MultistreamMessage.header else {
                    throw ShoalError(.protocolViolation, "expected multistream header, got '\(text.prefix(64))'")
                }
                state = .awaitingProposal
                continue
            }
            proposalCount += 1
            guard proposalCount <= configuration.maximumProposals else {
                throw ShoalError(
                    .limitExceeded,
                    "dialer sent more than \(configuration.maximumProposals) multistream proposals"
                )
            }
            if text == MultistreamMessage.list {
                MultistreamMessage.encode(MultistreamMessage.notAvailable, into: &out)
                continue
            }
            guard text.utf8.first == UInt8(ascii: "/") else {
                throw ShoalError(.protocolViolation, "proposed protocol '\(text.prefix(64))' does not start with '/'")
            }
            if isSupported(text) {
                MultistreamMessage.encode(text, into: &out)
                state = .done
                let leftover = Array(buffer.readable)
                buffer = ByteQueue()
                return [.write(out), .agreed(protocolID: text, leftover: leftover)]
            }
            MultistreamMessage.encode(MultistreamMessage.notAvailable, into: &out)
        }
        return out.isEmpty ? [] : [.write(out)]
    }
}
