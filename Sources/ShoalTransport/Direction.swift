/// Which side opened a connection or a stream.
public enum Direction: String, Sendable, Hashable, Codable {
    /// The remote side dialed us / opened the stream.
    case inbound
    /// We dialed / opened the stream.
    case outbound
}
