// MARK: - TransmitQueue

extension SWIM {
    /// The broadcast queue: one pending message per member (a newer one replaces the older), sent up to a
    /// retransmit limit, packed by bytes with the least-sent, largest, newest messages first.
    struct TransmitQueue: Sendable {
        struct Item: Sendable {
            var about: NodeID
            var message: Message
            var size: Int
            var transmits: Int
            var id: UInt64
        }

        private(set) var items: [Item] = []
        private var index: [NodeID: Int] = [:]
        private var nextID: UInt64 = 0
        let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        var isEmpty: Bool { items.isEmpty }
        var count: Int { items.count }

        /// Queues `message` about `node`, replacing what was queued about it.
        mutating func enqueue(_ message: Message, about node: NodeID) {
            nextID += 1
            let item = Item(
                about: node,
                message: message,
                size: WireCodec.encodedSize(of: message),
                transmits: 0,
                id: nextID
            )
            if let i = index[node] {
                items[i] = item
                return
            }
            if items.count >= capacity {
                // Drop the most-sent (then oldest) item to make room.
                var worst = 0
                for i in 1..<items.count
                where (items[i].transmits, -Int(truncatingIfNeeded: items[i].id))
                    > (items[worst].transmits, -Int(truncatingIfNeeded: items[worst].id))
                {
                    worst = i
                }
                remove(at: worst)
            }
            index[node] = items.count
            items.append(item)
        }

        /// Whether something about `node` is still queued.
        func contains(about node: NodeID) -> Bool { index[node] != nil }

        /// Takes messages fitting in `budget` bytes (at most `maxCount`), counting a transmission for each and
        /// removing those that reach `limit`. Skips messages about `excluding`.
        mutating func take(budget: Int, maxCount: Int, limit: Int, excluding: NodeID? = nil) -> [Message] {
            guard !items.isEmpty, budget > 0, maxCount > 0 else { return [] }
            var order = Array(items.indices)
            order.sort { a, b in
                let x = items[a]
                let y = items[b]
                if x.transmits != y.transmits { return x.transmits < y.transmits }
                if x.size != y.size { return x.size > y.size }
                return x.id > y.id
            }
            var left = budget
            var out: [Message] = []
            var spent: [Int] = []
            for i in order {
                if out.count >= maxCount || left < 7 { break }
                let item = items[i]
                guard item.size <= left, item.about != excluding else { continue }
                left -= item.size
                out.append(item.message)
                spent.append(i)
            }
            var expired: [Int] = []
            for i in spent {
                items[i].transmits += 1
                if items[i].transmits >= limit { expired.append(i) }
            }
            for i in expired.sorted(by: >) { remove(at: i) }
            return out
        }

        private mutating func remove(at i: Int) {
            let last = items.count - 1
            index[items[i].about] = nil
            if i != last {
                items[i] = items[last]
                index[items[i].about] = i
            }
            items.removeLast()
        }
    }
}
