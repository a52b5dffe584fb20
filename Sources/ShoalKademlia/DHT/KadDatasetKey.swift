import ShoalCrypto
public import ShoalMultiformats

/// DHT keys for Shoal datasets: what ``KademliaDHT/provide(key:)`` and ``KademliaDHT/findProviders(key:limit:)``
/// take.
///
/// - A shard CID maps to its **multihash** bytes (as every libp2p DHT stores provider keys, not the CID bytes).
/// - A dataset ID (any UTF-8 string) maps to the **SHA-256 multihash of its UTF-8 bytes**:
///   `0x12 0x20 || SHA-256(utf8(id))`, 34 bytes. It is what a CIDv1 `raw` of the ID's bytes would carry, so other
///   tools can compute it.
public enum KadDatasetKey {
    /// The key of a dataset ID: `0x12 0x20 || SHA-256(utf8(id))`.
    public static func forDataset(_ id: String) -> [UInt8] {
        [0x12, 0x20] + SHA256.hash(Array(id.utf8))
    }

    /// The key of a content ID: its multihash bytes.
    public static func forCID(_ cid: CID) -> [UInt8] {
        cid.multihash.bytes
    }

    /// The key of a command-line argument: a CID's multihash when `text` parses as a CID, otherwise the dataset
    /// ID key of `text`.
    public static func parse(_ text: String) -> [UInt8] {
        if let cid = try? CID(text) { return forCID(cid) }
        return forDataset(text)
    }
}
