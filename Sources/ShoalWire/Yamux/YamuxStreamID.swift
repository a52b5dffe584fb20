// MARK: - Stream ID

/// A yamux stream identifier. The client (dialer) uses odd IDs from 1, the server even IDs from 2; 0 is the session.
public struct YamuxStreamID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 32-bit wire value.
    public var rawValue: UInt32

    /// Creates an ID from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates an ID from its wire value.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The session ID (0), used by Ping and GoAway.
    public static let session = YamuxStreamID(0)

    /// Whether the ID is odd (opened by the client).
    public var isClientInitiated: Bool { rawValue & 1 == 1 }

    public static func < (lhs: YamuxStreamID, rhs: YamuxStreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "yamux.\(rawValue)" }
}

// MARK: - Role

/// Which side of the underlying connection a session is; it fixes the parity of the stream IDs it opens.
public enum YamuxRole: Sendable, Hashable {
    /// The side that dialed the connection: opens odd stream IDs (1, 3, 5, …).
    case client
    /// The side that accepted the connection: opens even stream IDs (2, 4, 6, …).
    case server

    /// The first stream ID this role opens.
    var firstStreamID: UInt32 { self == .client ? 1 : 2 }

    /// Whether `id` has the parity the *peer* of this role must use.
    func isPeerStreamID(_ id: YamuxStreamID) -> Bool {
        id.rawValue != 0 && id.isClientInitiated == (self == .server)
    }
}

// MARK: - GoAway code

/// The error code carried by a GoAway frame.
public struct YamuxGoAwayCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit wire value.
    public var rawValue: UInt32

    /// Creates a code from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Normal termination (0).
    public static let normal = YamuxGoAwayCode(rawValue: 0)
    /// The peer broke the protocol (1).
    public static let protocolError = YamuxGoAwayCode(rawValue: 1)
    /// An internal error (2).
    public static let internalError = YamuxGoAwayCode(rawValue: 2)

    public var description: String {
        switch rawValue {
        case 0: return "normal"
        case 1: return "protocol error"
        case 2: return "internal error"
        default: return "code \(rawValue)"
        }
    }
}
