internal import CSodium

/// One-time libsodium initialisation. Every entry point of this module touches ``Sodium/ready`` first.
enum Sodium {
    /// Initialised lazily and exactly once (Swift globals are initialised atomically).
    static let ready: Bool = {
        let rc = sodium_init()
        precondition(rc >= 0, "libsodium failed to initialise")
        return true
    }()

    @inline(__always)
    static func ensureReady() { _ = ready }
}
