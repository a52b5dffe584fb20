/// What each role may do. ``Node`` enforces these rules; they are the whole meaning of a role today.
///
/// | role | DHT | stores provider records of others | provides datasets | serves health | plans |
/// | --- | --- | --- | --- | --- | --- |
/// | `coordinator` | server (or the configured mode) | yes | no | yes | yes |
/// | `worker` | server (or the configured mode) | yes | yes | yes | no |
/// | `hybrid` | server (or the configured mode) | yes | yes | yes | yes |
/// | `client` | client mode, always | no | no | no | no |
///
/// A client only asks: it runs the DHT in client mode (it registers no DHT handler, is never added to other
/// routing tables, and so receives and stores no provider records), ``Node/provideDataset(_:)`` refuses, and it
/// does not answer the health protocol (``Node/allNodesHealth()`` of other nodes leaves it out). It still answers
/// `/shoal/capabilities/1.0.0`, so other nodes learn that it is a client.
extension NodeRole {
    /// Whether the node serves the DHT (answers requests, keeps other peers' provider records).
    public var servesDHT: Bool { self != .client }

    /// Whether the node may hold datasets and announce them (``Node/provideDataset(_:)``).
    public var storesDatasets: Bool { self == .worker || self == .hybrid }

    /// Whether the node answers the health protocol and is asked by ``Node/allNodesHealth()``.
    public var servesHealth: Bool { self != .client }

    /// Whether the node plans placement and queries (coordinators and hybrids).
    public var plans: Bool { self == .coordinator || self == .hybrid }
}
