import ShoalCore
import ShoalKademlia
import ShoalTestKit

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Memory

/// The memory figure of issue #4: a routing table holding 10,000 peers and a provider store holding 100,000
/// records, measured as resident memory (`/proc/self/statm`) before and after, and as the structures' own
/// estimates.
public enum KadMemoryScenario {
    /// The figures.
    public struct Report: Sendable {
        /// Peers in the table.
        public var tablePeers = 0
        /// Records in the store.
        public var storeRecords = 0
        /// Distinct providers in the store.
        public var storeProviders = 0
        /// Resident bytes before, after the table, after the store (nil where /proc is unavailable).
        public var residentBefore: Int?
        /// Resident bytes after building the table.
        public var residentAfterTable: Int?
        /// Resident bytes after filling the store.
        public var residentAfterStore: Int?
        /// ``KadRoutingTable/estimatedByteCount``.
        public var tableEstimate = 0
        /// ``KadProviderStore/estimatedByteCount``.
        public var storeEstimate = 0
    }

    /// Builds the table and the store (peer IDs, addresses and keys created after the first measurement, so
    /// they count) and measures.
    /// - Parameters:
    ///   - peers: routing-table peers (the table's buckets are widened to hold them all).
    ///   - records: provider records (fresh 34-byte keys, providers drawn from the peers).
    ///   - seed: the generator seed.
    public static func run(peers: Int = 10_000, records: Int = 100_000, seed: UInt64 = 7) throws -> Report {
        var random = SimRandom(seed: seed)
        func peerID() -> KadPeerID {
            var digest = [UInt8](repeating: 0, count: 32)
            for index in 0..<32 { digest[index] = UInt8(truncatingIfNeeded: random.next()) }
            return try! KadPeerID(sha256Digest: digest)
        }
        var report = Report()
        report.residentBefore = residentBytes()
        let ids = (0..<peers).map { _ in peerID() }
        var table = KadRoutingTable(localID: peerID(), configuration: .init(bucketSize: max(peers, 1)))
        for (index, id) in ids.enumerated() {
            table.peerSeen(id, addresses: [KadCluster.address(of: index)], isServer: true, now: .zero)
        }
        report.residentAfterTable = residentBytes()
        var store = KadProviderStore()
        for index in 0..<records {
            var key: [UInt8] = [0x12, 0x20]
            for _ in 0..<4 {
                let word = random.next()
                for byte in 0..<8 { key.append(UInt8(truncatingIfNeeded: word >> UInt64(byte * 8))) }
            }
            let provider = KadPeerInfo(id: ids[index % ids.count], addresses: [KadCluster.address(of: index % peers)])
            try store.addProvider(key: key, provider: provider, now: .zero)
        }
        report.residentAfterStore = residentBytes()
        report.tablePeers = table.count
        report.storeRecords = store.recordCount
        report.storeProviders = store.providerCount
        report.tableEstimate = table.estimatedByteCount
        report.storeEstimate = store.estimatedByteCount
        withExtendedLifetime((table, store, ids)) {}
        return report
    }

    /// The resident set size of this process in bytes (`/proc/self/statm`, Linux), or nil.
    public static func residentBytes() -> Int? {
        #if canImport(Glibc)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 255) }
        guard count > 0 else { return nil }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }
}
