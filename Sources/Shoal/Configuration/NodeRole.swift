/// What a node does in the overlay.
public enum NodeRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Plans placement and queries; holds metadata.
    case coordinator
    /// Stores shards and answers queries.
    case worker
    /// Both coordinator and worker (the default).
    case hybrid
    /// Asks, stores nothing for others.
    case client
}
