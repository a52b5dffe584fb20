import Foundation
import ShoalCore
import ShoalKademlia

/// Test helpers on ShoalCore's seeded generator.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// A random SHA-256-shaped peer ID.
func randomPeerID(_ rng: inout SplitMix64) -> KadPeerID {
    try! KadPeerID(sha256Digest: rng.bytes(32))
}

/// A peer with one fake address derived from its index.
func peerInfo(_ id: KadPeerID, address index: Int = 1) -> KadPeerInfo {
    KadPeerInfo(id: id, addresses: [[0x04, 127, 0, 0, 1, 0x06, UInt8(index >> 8 & 0xff), UInt8(index & 0xff)]])
}

func hex(_ string: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = string.startIndex
    while index < string.endIndex {
        let next = string.index(index, offsetBy: 2)
        out.append(UInt8(string[index..<next], radix: 16)!)
        index = next
    }
    return out
}

/// The resident set size of this process in bytes (Linux `/proc/self/statm`), or nil elsewhere.
func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// The seconds from `start`.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    let (seconds, attoseconds) = elapsed.components
    return Double(seconds) + Double(attoseconds) / 1e18
}
