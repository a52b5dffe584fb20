import ShoalCore
import ShoalKademlia
import Testing

@Suite("Memory", .serialized)
struct MemoryTests {
    @Test("10,000 routing-table peers and 100,000 provider records stay small")
    func memory() throws {
        var rng = SplitMix64(seed: 81)
        let local = randomPeerID(&rng)
        let before = residentBytes()
        // The peer IDs are created after the first measurement: their bytes count towards the table.
        let peers = (0..<10_000).map { _ in randomPeerID(&rng) }
        // A table wide enough to hold them all (a k = 20 table of random peers saturates near 20 per bucket).
        var table = KadRoutingTable(localID: local, configuration: .init(bucketSize: 10_000))
        for (index, peer) in peers.enumerated() {
            table.peerSeen(peer, addresses: peerInfo(peer, address: index).addresses, isServer: true, now: .zero)
        }
        let afterTable = residentBytes()
        var store = KadProviderStore()
        for index in 0..<100_000 {
            // Fresh keys (34-byte multihashes), held only by the store.
            var key: [UInt8] = [0x12, 0x20]
            for shift in stride(from: 0, to: 64, by: 8) { key.append(UInt8(truncatingIfNeeded: index >> shift)) }
            key += [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 24)
            try store.addProvider(key: key, provider: peerInfo(peers[index % peers.count], address: index), now: .zero)
        }
        let afterStore = residentBytes()
        #expect(table.count == 10_000)
        #expect(store.recordCount == 100_000 && store.providerCount == 10_000)
        let tableBytes = table.estimatedByteCount
        let storeBytes = store.estimatedByteCount
        var measured = "RSS not available"
        if let before, let afterTable, let afterStore {
            // Informational only: tests running in parallel share the process, so RSS deltas are noisy.
            measured =
                "RSS +\(Double(afterTable - before) / 1_048_576) MiB / +\(Double(afterStore - afterTable) / 1_048_576) MiB"
        }
        print(
            "kad memory: routing table 10,000 peers ≈ \(tableBytes / 10_000) B/peer (\(tableBytes / 1024) KiB); "
                + "provider store 100,000 records ≈ \(storeBytes / 100_000) B/record (\(storeBytes / 1024) KiB); "
                + "\(measured); entry stride \(MemoryLayout<KadRoutingTable.Entry>.stride) B"
        )
        #expect(tableBytes < 10_000 * 400)
        #expect(storeBytes < 100_000 * 300)
    }
}
