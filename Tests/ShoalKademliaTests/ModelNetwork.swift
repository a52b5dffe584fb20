import ShoalCore
import ShoalKademlia

/// A synchronous in-memory DHT for tests: every node has a ``KadServer`` whose routing table was filled from the
/// global population, requests are delivered instantly (FIFO) or, to dead nodes, time out on a virtual clock.
struct ModelNetwork {
    var nodes: [KadServer] = []
    var ids: [KadPeerID] = []
    var index: [KadPeerID: Int] = [:]
    var dead: Set<Int> = []
    var now: Duration = .zero
    /// Send every request and reply through ``KadMessageCodec`` framing, as bytes.
    var viaCodec = false
    /// Frames that went through the codec.
    var framesCoded = 0

    /// Builds `count` nodes. Each node's bucket b gets up to k random members of the population whose prefix
    /// length with it is b (found as a contiguous range of the population sorted by key), as in a converged
    /// network.
    init(count: Int, rng: inout SplitMix64) {
        ids = (0..<count).map { _ in randomPeerID(&rng) }
        for (position, id) in ids.enumerated() { index[id] = position }
        let zero = try! KadKey(digest: [UInt8](repeating: 0, count: 32))
        let sorted = ids.indices.sorted { zero.distance(to: ids[$0].kadKey) < zero.distance(to: ids[$1].kadKey) }
        let sortedKeys = sorted.map { ids[$0].kadKey.bytes }
        func lowerBound(_ bytes: [UInt8]) -> Int {
            var low = 0
            var high = sortedKeys.count
            while low < high {
                let middle = (low + high) / 2
                if sortedKeys[middle].lexicographicallyPrecedes(bytes) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        for id in ids {
            var table = KadRoutingTable(localID: id)
            let key = id.kadKey.bytes
            for bucket in 0..<64 {
                // Keys sharing `bucket` bits with `key` and differing at bit `bucket`.
                var low = key
                let byte = bucket / 8
                let bit = UInt8(0x80) >> UInt8(bucket % 8)
                low[byte] ^= bit
                low[byte] &= ~(bit &- 1)
                for later in (byte + 1)..<32 { low[later] = 0 }
                var high = low
                high[byte] |= bit &- 1
                for later in (byte + 1)..<32 { high[later] = 0xff }
                let start = lowerBound(low)
                var end = lowerBound(high)
                if end < sortedKeys.count && sortedKeys[end] == high { end += 1 }
                if start >= end { continue }
                var members = Array(sorted[start..<end])
                members.shuffle(using: &rng)
                for member in members.prefix(KadConstants.k) {
                    table.peerSeen(
                        ids[member],
                        addresses: peerInfo(ids[member], address: member).addresses,
                        isServer: true,
                        now: .zero
                    )
                }
                if end - start <= 1 && bucket > 20 { break }
            }
            nodes.append(KadServer(routingTable: table))
        }
    }

    /// The true `count` closest live nodes to `target` other than `excluding`, by brute force.
    func trueClosest(to target: KadKey, count: Int, excluding: Int) -> [KadPeerID] {
        ids.indices.filter { !dead.contains($0) && $0 != excluding }
            .sorted { ids[$0].kadKey.distance(to: target) < ids[$1].kadKey.distance(to: target) }
            .prefix(count).map { ids[$0] }
    }

    /// Sends `request` from `origin` to `peer`: the reply, or nil if the peer is dead.
    mutating func deliver(_ request: KadMessage, from origin: Int, to peer: KadPeerID) -> KadMessage?? {
        guard let target = index[peer], !dead.contains(target) else { return nil }
        guard viaCodec else { return .some(try? nodes[target].handle(request, from: ids[origin], now: now)) }
        let codec = KadMessageCodec()
        func transfer(_ message: KadMessage) -> KadMessage? {
            var decoder = KadFrameDecoder(codec: codec)
            guard let frame = try? codec.encodeFrame(message), (try? decoder.append(frame)) != nil else { return nil }
            framesCoded += 1
            return try? decoder.nextMessage()
        }
        guard let received = transfer(request) else { return .some(nil) }
        guard let reply = try? nodes[target].handle(received, from: ids[origin], now: now) else { return .some(nil) }
        return .some(transfer(reply))
    }

    /// Runs a FIND_NODE lookup from `origin`.
    mutating func findNode(
        from origin: Int,
        target: KadKey,
        key: [UInt8],
        configuration: KadLookupConfiguration
    ) -> KadLookupResult {
        let seeds = nodes[origin].routingTable.closest(to: target, count: KadConstants.k).map(\.peerInfo)
        var lookup = KadLookup(target: target, seeds: seeds, localID: ids[origin], configuration: configuration)
        var queue = lookup.start(now: now)
        var timeouts: [Duration] = []
        for _ in 0..<100_000 {
            if let action = queue.first {
                queue.removeFirst()
                switch action {
                case .finished(let result):
                    return result
                case .sendRequest(let peer, let deadline):
                    if let reply = deliver(KadMessage(type: .findNode, key: key), from: origin, to: peer.id) {
                        queue += lookup.receivedResponse(from: peer.id, closerPeers: reply?.closerPeers ?? [], now: now)
                    } else {
                        timeouts.append(deadline)
                    }
                }
            } else if let next = lookup.nextDeadline {
                now = max(now, next)
                queue += lookup.tick(now: now)
            } else {
                break
            }
        }
        return lookup.result ?? KadLookupResult(closest: [], statistics: lookup.statistics)
    }
}

extension ModelNetwork {
    /// Announces `origin` as a provider of `key` to the 20 closest peers found by a lookup.
    mutating func provide(from origin: Int, key: [UInt8]) -> Int {
        let closest = findNode(from: origin, target: KadKey(hashing: key), key: key, configuration: .init()).closest
        let announce = KadMessage(type: .addProvider, key: key, providerPeers: [peerInfo(ids[origin], address: origin)])
        for peer in closest { _ = deliver(announce, from: origin, to: peer.id) }
        return closest.count
    }

    /// Runs a GET_PROVIDERS lookup from `origin`.
    mutating func findProviders(from origin: Int, key: [UInt8], wanted: Int) -> KadProviderLookupResult? {
        let seeds = nodes[origin].routingTable.closest(to: KadKey(hashing: key), count: KadConstants.k).map(\.peerInfo)
        var lookup = KadProviderLookup(key: key, seeds: seeds, localID: ids[origin], wantedProviders: wanted)
        var queue = lookup.start(now: now)
        for _ in 0..<100_000 {
            if let action = queue.first {
                queue.removeFirst()
                switch action {
                case .finished(let result):
                    return result
                case .sendRequest(let peer, _):
                    if let reply = deliver(KadMessage(type: .getProviders, key: key), from: origin, to: peer.id) {
                        queue += lookup.receivedResponse(
                            from: peer.id,
                            closerPeers: reply?.closerPeers ?? [],
                            providers: reply?.providerPeers ?? [],
                            now: now
                        )
                    }
                }
            } else if let next = lookup.nextDeadline {
                now = max(now, next)
                queue += lookup.tick(now: now)
            } else {
                break
            }
        }
        return lookup.result
    }

    /// Stores `record` on the 20 closest peers found by a lookup.
    mutating func putValue(from origin: Int, record: KadRecord, to peers: [KadPeerID]? = nil) {
        let targets =
            peers
            ?? findNode(from: origin, target: KadKey(hashing: record.key), key: record.key, configuration: .init())
            .closest.map(\.id)
        for peer in targets {
            _ = deliver(KadMessage(type: .putValue, key: record.key, record: record), from: origin, to: peer)
        }
    }

    /// Runs a GET_VALUE lookup from `origin`; `tamper` may replace a peer's reply record.
    mutating func getValue(
        from origin: Int,
        key: [UInt8],
        quorum: Int,
        validator: any KadRecordValidator,
        tamper: (KadPeerID, KadRecord?) -> KadRecord? = { $1 }
    ) -> KadValueLookupResult? {
        let seeds = nodes[origin].routingTable.closest(to: KadKey(hashing: key), count: KadConstants.k).map(\.peerInfo)
        var lookup = KadValueLookup(key: key, seeds: seeds, localID: ids[origin], quorum: quorum, validator: validator)
        var queue = lookup.start(now: now)
        for _ in 0..<100_000 {
            if let action = queue.first {
                queue.removeFirst()
                switch action {
                case .finished(let result):
                    return result
                case .sendRequest(let peer, _):
                    if let reply = deliver(KadMessage(type: .getValue, key: key), from: origin, to: peer.id) {
                        queue += lookup.receivedResponse(
                            from: peer.id,
                            closerPeers: reply?.closerPeers ?? [],
                            record: tamper(peer.id, reply?.record),
                            now: now
                        )
                    }
                }
            } else if let next = lookup.nextDeadline {
                now = max(now, next)
                queue += lookup.tick(now: now)
            } else {
                break
            }
        }
        return lookup.result
    }
}
