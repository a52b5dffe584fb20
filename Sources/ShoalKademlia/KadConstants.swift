/// Protocol constants of the libp2p Kademlia DHT (`kad-dht/README.md`, go-libp2p-kad-dht amino defaults).
///
/// Time in this module: every `now`, deadline and age is a `Duration` measured from an origin the caller picks
/// (for example the start of the process, from a monotonic clock). Machines never read a clock; they compare the
/// values they are given. Only differences matter, so any fixed origin works.
public enum KadConstants {
    /// The protocol ID of the public IPFS DHT.
    public static let protocolID = "/ipfs/kad/1.0.0"
    /// k: bucket size and replication factor.
    public static let k = 20
    /// α: requests in flight per lookup (the spec and go use 10; rust uses 3).
    public static let alpha = 10
    /// β: go's resiliency, the number of closest peers that must have answered for go's termination rule.
    public static let beta = 3
    /// How long a provider record is kept (48 h).
    public static let providerRecordExpiry: Duration = .seconds(48 * 3600)
    /// How often a provider should re-announce its records (22 h).
    public static let providerRepublishInterval: Duration = .seconds(22 * 3600)
    /// How long a value record is kept (48 h, go's `MaxRecordAge`).
    public static let maximumRecordAge: Duration = .seconds(48 * 3600)
    /// How often each bucket should be refreshed by a lookup (10 min).
    public static let refreshInterval: Duration = .seconds(600)
    /// A per-request timeout for lookups (go's message manager reads with a 10 s deadline).
    public static let requestTimeout: Duration = .seconds(10)
}
