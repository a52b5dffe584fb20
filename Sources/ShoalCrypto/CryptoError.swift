/// An error from ``ShoalCrypto``: a key of the wrong size, a tag that did not verify, a degenerate DH result.
///
/// Shaped like Shoal's other errors: a ``code`` to match on and a ``message`` for people.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of crypto failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A key, nonce or other input has the wrong length or form.
        public static let invalidInput = Code("invalid_input")
        /// An authentication tag or signature did not verify.
        public static let authenticationFailed = Code("authentication_failed")
        /// A Diffie-Hellman exchange produced the all-zero point (a low-order public key).
        public static let weakKey = Code("weak_key")
        /// libsodium failed in a way that is not the caller's fault.
        public static let internalError = Code("internal_error")
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong.
    public var message: String

    @inline(never)
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func length(_ what: String, expected: Int, got: Int) -> CryptoError {
        CryptoError(.invalidInput, "\(what) must be \(expected) bytes, got \(got)")
    }
}
