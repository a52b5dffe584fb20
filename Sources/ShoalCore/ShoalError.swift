/// The error type of Shoal's libraries.
///
/// Every error has a ``code`` that callers can match on, a human-readable ``message`` that names what was wrong,
/// and an optional underlying ``cause``. Two errors are equal when their codes are equal: the message and the
/// cause are there for people, not for control flow.
///
/// ```swift
/// do { try PeerID(parsing: text) } catch let error as ShoalError where error.code == .invalidPeerID { … }
/// ```
public struct ShoalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public var description: String { name }

        /// An argument given by the caller (or the user, through the CLI) is not valid.
        public static let invalidArgument = Code("invalid_argument")
        /// Bytes received or read from disk do not decode (bad length, bad tag, truncated, non-minimal…).
        public static let malformedInput = Code("malformed_input")
        /// A key is not valid or not supported for the operation.
        public static let invalidKey = Code("invalid_key")
        /// A peer ID does not parse or does not match the expected key.
        public static let invalidPeerID = Code("invalid_peer_id")
        /// A signature did not verify.
        public static let invalidSignature = Code("invalid_signature")
        /// A key type is known but not supported for this operation (e.g. signing with RSA).
        public static let unsupported = Code("unsupported")
        /// A peer broke the rules of a protocol.
        public static let protocolViolation = Code("protocol_violation")
        /// No common protocol could be negotiated.
        public static let negotiationFailed = Code("negotiation_failed")
        /// A limit (size, count, window) was exceeded.
        public static let limitExceeded = Code("limit_exceeded")
        /// A deadline passed before the operation finished.
        public static let timeout = Code("timeout")
        /// The connection or stream is closed or was reset.
        public static let closed = Code("closed")
        /// A file could not be read or written.
        public static let io = Code("io")
        /// Authentication failed (a MAC or AEAD tag did not verify, a PSK did not match).
        public static let authenticationFailed = Code("authentication_failed")
        /// A call was refused without being attempted (a circuit breaker is open, a trial call is in flight).
        public static let unavailable = Code("unavailable")
        /// Something inside Shoal went wrong that is not the caller's fault.
        public static let internalError = Code("internal_error")
        /// A query uses SQL that Shoal's federated SQL does not run (a join, a subquery, a write…); the message names
        /// the feature and its position.
        public static let unsupportedSQL = Code("unsupported_sql")
        /// A query does not parse; the message gives the position and what was expected.
        public static let sqlSyntax = Code("sql_syntax")
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: what went wrong, naming the bad value or limit.
    ///   - cause: the underlying error, if any.
    @inline(never)
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause {
            return "\(code): \(message) (cause: \(cause))"
        }
        return "\(code): \(message)"
    }

    public static func == (lhs: ShoalError, rhs: ShoalError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
