import ShoalCore
public import ShoalCrypto

// MARK: - Instance

extension SWIM {
    /// One member's SWIM + Lifeguard protocol state: a value type with no I/O.
    ///
    /// Feed it datagrams (``receive(_:from:now:)``), timer wake-ups (``tick(now:)``) and push-pull states
    /// (``mergeRemoteState(_:now:)``); perform the ``Directive``s it returns. Every call returns a
    /// ``Directive/wake(at:)`` as its last directive: the shell keeps one timer and moves it there.
    public struct Instance: Sendable {
        // MARK: - Member state

        struct Suspicion: Sendable {
            var start: Time
            var minTimeout: UInt64
            var maxTimeout: UInt64
            var k: Int
            var accuser: NodeID
            var confirmations: Set<NodeID> = []
            var verifyDeadline: Time?

            var deadline: Time {
                if let verifyDeadline { return verifyDeadline }
                return start
                    &+ Lifeguard.suspicionTimeout(
                        confirmations: confirmations.count,
                        k: k,
                        min: minTimeout,
                        max: maxTimeout
                    )
            }
        }

        struct MemberState: Sendable {
            var record: MemberRecord
            var status: Status
            var changedAt: Time
            var suspicion: Suspicion?

            var snapshot: Member {
                Member(
                    node: record.node,
                    status: status,
                    incarnation: record.incarnation,
                    address: record.address,
                    metadata: record.metadata
                )
            }
        }

        struct Probe: Sendable {
            var target: NodeID
            var sequence: UInt32
            var directDeadline: Time
            var end: Time
            var indirectSent = false
            var expectedNacks = 0
            var nacks = 0
            var acked = false
        }

        struct Relay: Sendable {
            var origin: Address
            var originSequence: UInt32
            var deadline: Time
            var wantsNack: Bool
        }

        // MARK: - Stored properties

        /// The settings this instance runs with.
        public let settings: Settings
        let key: Ed25519.PrivateKey
        /// This member's current signed record.
        public internal(set) var ownRecord: MemberRecord
        var table: [NodeID: MemberState] = [:]
        var tombstones: [NodeID: (incarnation: UInt64, expiry: Time)] = [:]
        var suspects: Set<NodeID> = []
        var probeOrder: [NodeID] = []
        var probeIndex = 0
        var probe: Probe?
        var relays: [UInt32: Relay] = [:]
        var verifications: [UInt32: NodeID] = [:]
        var queue: TransmitQueue
        var random: SplitMix64
        var sequence: UInt32
        /// The Lifeguard local health score, 0..<``Settings/awarenessMaxMultiplier`` (0 is healthy).
        public internal(set) var awareness = 0
        /// What this instance counted.
        public internal(set) var counters = Counters()
        var nextProbeAt: Time
        var nextGossipAt: Time
        var nextPushPullAt: Time
        var nextReapAt: Time
        /// Whether ``leave(now:)`` was called.
        public internal(set) var hasLeft = false
        var liveCount = 0

        /// This member's identity.
        public var node: NodeID { ownRecord.node }
        /// This member's incarnation.
        public var incarnation: UInt64 { ownRecord.incarnation }

        // MARK: - Init

        /// Starts an instance.
        /// - Parameters:
        ///   - settings: the protocol parameters.
        ///   - key: the member's Ed25519 key (signs its records).
        ///   - uid: the per-start identity (pick a random value at each start).
        ///   - address: where this member listens (opaque to the instance).
        ///   - metadata: opaque metadata, at most 512 bytes.
        ///   - seed: seeds the instance's own generator (probe order, target choice); use a random value.
        ///   - now: the current time.
        /// - Throws: ``ShoalError`` `.limitExceeded` for oversized metadata, `.invalidArgument` for bad settings.
        public init(
            settings: Settings = .lan,
            key: Ed25519.PrivateKey,
            uid: UInt64,
            address: Address,
            metadata: [UInt8] = [],
            seed: UInt64,
            now: Time
        ) throws {
            guard settings.probeTimeout < settings.probeInterval, settings.awarenessMaxMultiplier >= 1,
                settings.packetBudget >= 512, settings.packetBudget <= WireCodec.maxPacketByteCount
            else {
                throw ShoalError(
                    .invalidArgument,
                    "SWIM settings: need probeTimeout < probeInterval, budget 512...1400"
                )
            }
            self.settings = settings
            self.key = key
            self.ownRecord = try MemberRecord(
                signingWith: key,
                uid: uid,
                incarnation: 0,
                state: .alive,
                address: address,
                metadata: metadata
            )
            self.queue = TransmitQueue(capacity: settings.maxQueuedBroadcasts)
            self.random = SplitMix64(seed: seed)
            self.sequence = UInt32(truncatingIfNeeded: random.next())
            let interval = settings.probeInterval.swimNanoseconds
            self.nextProbeAt = now &+ random.next(upperBound: interval)
            self.nextGossipAt = now &+ settings.gossipInterval.swimNanoseconds
            self.nextPushPullAt = now &+ settings.pushPullInterval.swimNanoseconds
            self.nextReapAt = now &+ settings.gossipToTheDeadTime.swimNanoseconds
        }

        // MARK: - Queries

        /// Every known member other than this one (including suspect, dead and left ones still retained).
        public var members: [Member] { table.values.map(\.snapshot).sorted { $0.node < $1.node } }

        /// A snapshot of one member (this one included).
        public func member(_ id: NodeID) -> Member? {
            if id == node {
                return Member(
                    node: id,
                    status: hasLeft ? .left : .alive,
                    incarnation: incarnation,
                    address: ownRecord.address,
                    metadata: ownRecord.metadata
                )
            }
            return table[id]?.snapshot
        }

        /// The status of a member, if known.
        public func status(of id: NodeID) -> Status? {
            id == node ? (hasLeft ? .left : .alive) : table[id]?.status
        }

        /// How many members are alive or suspect, this one included (the N of the formulas).
        public var clusterSize: Int { liveCount + 1 }

        /// How many broadcasts are waiting to be sent.
        public var pendingBroadcasts: Int { queue.count }

        /// Whether the leave announcement has been sent its full retransmit count (the shell may stop).
        public var leaveComplete: Bool { hasLeft && !queue.contains(about: node) }

        /// The earliest time the instance needs a ``tick(now:)``.
        public var nextDeadline: Time {
            var t = min(nextGossipAt, nextReapAt)
            if !hasLeft {
                t = min(t, nextProbeAt, nextPushPullAt)
            }
            if let p = probe {
                t = min(t, p.indirectSent || p.acked ? p.end : p.directDeadline)
            }
            for r in relays.values { t = min(t, r.deadline) }
            for id in suspects {
                if let s = table[id]?.suspicion { t = min(t, s.deadline) }
            }
            return t
        }

        // MARK: - Helpers

        func scaled(_ d: Duration) -> UInt64 {
            let base = d.swimNanoseconds
            return settings.lifeguard ? base &* UInt64(awareness + 1) : base
        }

        mutating func adjustAwareness(_ delta: Int) {
            guard settings.lifeguard else { return }
            awareness = max(0, min(settings.awarenessMaxMultiplier - 1, awareness + delta))
        }

        mutating func nextSequence() -> UInt32 {
            sequence &+= 1
            return sequence
        }

        var retransmitLimit: Int {
            Lifeguard.retransmitLimit(mult: settings.retransmitMult, members: clusterSize)
        }

        mutating func setStatus(_ id: NodeID, _ status: Status, now: Time) {
            guard var m = table[id] else { return }
            let wasLive = m.status == .alive || m.status == .suspect
            let isLive = status == .alive || status == .suspect
            if wasLive && !isLive { liveCount -= 1 }
            if !wasLive && isLive { liveCount += 1 }
            m.status = status
            m.changedAt = now
            if status != .suspect, m.suspicion?.verifyDeadline != nil {
                for (seq, target) in verifications where target == id { verifications[seq] = nil }
            }
            if status != .suspect {
                m.suspicion = nil
                suspects.remove(id)
            } else {
                suspects.insert(id)
            }
            table[id] = m
        }

        /// Inserts a member at a random position of the probe order.
        mutating func insertIntoProbeOrder(_ id: NodeID) {
            let position = probeOrder.isEmpty ? 0 : random.below(probeOrder.count + 1)
            probeOrder.insert(id, at: position)
            if position < probeIndex { probeIndex += 1 }
        }

        /// Up to `count` distinct random members matching `filter`.
        mutating func sample(_ count: Int, where filter: (MemberState) -> Bool) -> [NodeID] {
            guard count > 0, !probeOrder.isEmpty else { return [] }
            var rng = random
            defer { random = rng }
            var picked: [NodeID] = []
            var attempts = 0
            let maxAttempts = count * 8 + 16
            while picked.count < count, attempts < maxAttempts {
                attempts += 1
                let id = probeOrder[rng.below(probeOrder.count)]
                guard let m = table[id], filter(m), !picked.contains(id) else { continue }
                picked.append(id)
            }
            if picked.count < count, probeOrder.count <= maxAttempts {
                for id in probeOrder where picked.count < count {
                    if let m = table[id], filter(m), !picked.contains(id) { picked.append(id) }
                }
            }
            return picked
        }
    }
}
