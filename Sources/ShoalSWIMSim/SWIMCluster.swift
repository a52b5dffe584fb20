import ShoalCore
import ShoalCrypto
public import ShoalSWIM
public import ShoalTestKit

// MARK: - SWIMCluster

/// N SWIM instances wired through a ``NetworkSimulator`` on a virtual clock.
///
/// Deterministic: one seed fixes the keys, the instances' generators, latency and loss. Datagrams travel as
/// values (fast), as encoded bytes (exercising ``SWIM/WireCodec``), or sealed with a cluster key
/// (exercising ``SWIM/PacketSecurity`` too). Push-pull exchanges travel as reliable stream messages.
public final class SWIMCluster {
    /// How datagrams travel through the simulated network.
    public enum Wire: Sendable {
        /// As `SWIM.Packet` values (fastest).
        case values
        /// Encoded with the wire codec and decoded at the receiver.
        case encoded
        /// Encoded and sealed with this 32-byte cluster key.
        case sealed([UInt8])
    }

    /// What travels through the simulator.
    public enum SimMessage: Sendable {
        /// A datagram as a value.
        case packet(SWIM.Packet)
        /// A datagram as bytes.
        case datagram([UInt8])
        /// A push-pull state; `reply` is false for the initiator's half.
        case pushPull(SWIM.PushPullState, reply: Bool)
    }

    /// Per-node traffic counters.
    public struct Traffic: Sendable, Hashable {
        /// Datagrams carrying a ping, ping request, ack or nack.
        public var probeDatagrams = 0
        /// Datagrams carrying only gossip.
        public var gossipDatagrams = 0
        /// Bytes sent (encoded size, when known; else the codec size computed on the side).
        public var bytes = 0
        /// The largest datagram sent.
        public var largestDatagram = 0
        /// Push-pull exchanges started.
        public var pushPulls = 0
    }

    /// The network.
    public var sim: NetworkSimulator<SimMessage>
    /// The instances, by node index.
    public private(set) var instances: [SWIM.Instance]
    /// Traffic per node.
    public private(set) var traffic: [Traffic]
    /// Datagrams dropped at the receiver by decoding or packet security.
    public private(set) var rejectedDatagrams = 0
    /// Called for every membership event: observer index, event, time.
    public var onEvent: ((Int, SWIM.MemberEvent, UInt64) -> Void)?
    /// Called for driver actions scheduled with `sim.scheduleAction(at:tag:)`: tag, time.
    public var onAction: ((UInt64, UInt64) -> Void)?
    /// Called for every packet delivered as a value: receiver, sender, packet (for tracing).
    public var onDeliver: ((Int, Int, SWIM.Packet) -> Void)?
    /// Whether a node's instance is running (false after ``stop(_:)``).
    public private(set) var running: [Bool]

    private let wire: Wire
    private var security: [SWIM.PacketSecurity] = []
    private var wakeAt: [UInt64]
    private var indexByNode: [SWIM.NodeID: Int] = [:]

    /// Builds `n` instances.
    /// - Parameters:
    ///   - n: the cluster size.
    ///   - settings: every instance's settings.
    ///   - seed: fixes everything random.
    ///   - latency: link latency.
    ///   - loss: best-effort datagram loss probability.
    ///   - wire: how datagrams travel.
    ///   - preseeded: when true every instance starts knowing every other (records verified once here);
    ///     when false each starts alone (use ``join(_:seeds:at:)``).
    public init(
        n: Int,
        settings: SWIM.Settings = .lan,
        seed: UInt64,
        latency: LatencyModel = .lan,
        loss: Double = 0,
        wire: Wire = .values,
        preseeded: Bool = true
    ) throws {
        var random = SimRandom(seed: seed)
        sim = NetworkSimulator(nodeCount: n, seed: random.next(), latency: latency, lossProbability: loss)
        self.wire = wire
        instances = []
        traffic = Array(repeating: Traffic(), count: n)
        wakeAt = Array(repeating: .max, count: n)
        running = Array(repeating: true, count: n)
        for i in 0..<n {
            var seedBytes = [UInt8](repeating: 0, count: 32)
            for j in 0..<4 {
                let w = random.next()
                for b in 0..<8 { seedBytes[j * 8 + b] = UInt8(truncatingIfNeeded: w >> UInt64(b * 8)) }
            }
            let key = try Ed25519.PrivateKey(seed: seedBytes)
            let uid = random.next()
            let instance = try SWIM.Instance(
                settings: settings,
                key: key,
                uid: uid,
                address: Self.address(i),
                metadata: Array("role=worker;region=sim".utf8),
                seed: random.next(),
                now: 0
            )
            indexByNode[instance.node] = i
            instances.append(instance)
            if case .sealed(let clusterKey) = wire {
                let ring = try SWIM.Keyring(primary: SecureBytes(clusterKey), id: 1)
                security.append(SWIM.PacketSecurity(mode: .clusterKeys(ring), key: key, uid: uid))
            }
        }
        if preseeded {
            let records = instances.map(\.ownRecord)
            for i in 0..<n { instances[i]._insertVerifiedMembers(records, now: 0) }
        }
        for i in 0..<n { perform(i, instances[i].tick(now: 0)) }
    }

    /// The simulated address of node `i`.
    public static func address(_ i: Int) -> SWIM.Address {
        try! SWIM.Address([
            UInt8(truncatingIfNeeded: i >> 24), UInt8(truncatingIfNeeded: i >> 16),
            UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i),
        ])
    }

    static func index(_ a: SWIM.Address) -> Int? {
        guard a.bytes.count == 4 else { return nil }
        return a.bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    /// The node index of an identity.
    public func index(of node: SWIM.NodeID) -> Int? { indexByNode[node] }

    /// The current virtual time.
    public var now: UInt64 { sim.now }

    // MARK: - Driving

    /// Runs until virtual time `until` (nanoseconds) or `maxEvents` events.
    /// - Returns: the number of events processed.
    @discardableResult
    public func run(until: UInt64, maxEvents: Int = .max) -> Int {
        sim.timeLimit = until
        var processed = 0
        while processed < maxEvents, let event = sim.nextEvent() {
            processed += 1
            handle(event)
        }
        return processed
    }

    /// Lets the caller act on an instance (e.g. `leave`, `updateMetadata`) and performs the result.
    public func act(_ i: Int, _ body: (inout SWIM.Instance, UInt64) throws -> [SWIM.Directive]) rethrows {
        let directives = try body(&instances[i], sim.now)
        perform(i, directives)
    }

    /// Starts a join of node `i` through the seeds.
    public func join(_ i: Int, seeds: [Int]) {
        act(i) { inst, now in inst.join(seeds: seeds.map(Self.address), now: now) }
    }

    /// Crashes node `i` (silent: it stops and answers nothing).
    public func crash(_ i: Int) {
        sim.crash(i)
        running[i] = false
    }

    /// Stops node `i` after a graceful leave (same as a crash for the network).
    public func stop(_ i: Int) { crash(i) }

    // MARK: - Events

    private func handle(_ event: NetworkSimulator<SimMessage>.Event) {
        switch event {
        case .timer(let node, let tag):
            guard tag == wakeAt[node] else { return }
            wakeAt[node] = .max
            perform(node, instances[node].tick(now: sim.now))
        case .deliver(let to, let from, let message):
            deliver(message, to: to, from: from)
        case .action(let tag):
            onAction?(tag, sim.now)
        }
    }

    private func deliver(_ message: SimMessage, to: Int, from: Int) {
        let now = sim.now
        switch message {
        case .packet(let p):
            onDeliver?(to, from, p)
            perform(to, instances[to].receive(p, from: Self.address(from), now: now))
        case .datagram(let bytes):
            let packet: SWIM.Packet?
            if security.isEmpty {
                packet = try? SWIM.WireCodec.decode(bytes)
            } else {
                packet = security[to].open(bytes)
            }
            guard let packet else {
                rejectedDatagrams += 1
                return
            }
            perform(to, instances[to].receive(packet, from: Self.address(from), now: now))
        case .pushPull(let state, let reply):
            if reply {
                perform(to, instances[to].mergeRemoteState(state, now: now))
            } else {
                let (mine, directives) = instances[to].answerPushPull(state, now: now)
                sim.send(.pushPull(mine, reply: true), from: to, to: from, reliable: true)
                perform(to, directives)
            }
        }
    }

    private func perform(_ i: Int, _ directives: [SWIM.Directive]) {
        for d in directives {
            switch d {
            case .send(let packet, let address, _):
                guard let to = Self.index(address) else { continue }
                send(packet, from: i, to: to)
            case .pushPull(let address, _, let state):
                guard let to = Self.index(address) else { continue }
                traffic[i].pushPulls += 1
                sim.send(.pushPull(state, reply: false), from: i, to: to, reliable: true)
            case .event(let e):
                onEvent?(i, e, sim.now)
            case .streamPing:
                // The simulator models datagrams only: no stream fallback, so figures stay UDP-only.
                continue
            case .wake(let at):
                if at != wakeAt[i] {
                    wakeAt[i] = at
                    sim.schedule(node: i, at: at, tag: at)
                }
            }
        }
    }

    private func send(_ packet: SWIM.Packet, from i: Int, to: Int) {
        if packet.isProbe {
            traffic[i].probeDatagrams += 1
        } else {
            traffic[i].gossipDatagrams += 1
        }
        switch wire {
        case .values:
            let size =
                SWIM.WireCodec.packetHeaderByteCount
                + packet.messages.reduce(0) { $0 + SWIM.WireCodec.encodedSize(of: $1) }
                + SWIM.PacketSecurity.maxOverhead
            account(i, size)
            sim.send(.packet(packet), from: i, to: to)
        case .encoded:
            guard let bytes = try? SWIM.WireCodec.encode(packet) else {
                rejectedDatagrams += 1
                return
            }
            account(i, bytes.count + SWIM.PacketSecurity.maxOverhead)
            sim.send(.datagram(bytes), from: i, to: to)
        case .sealed:
            guard let bytes = try? security[i].seal(packet) else {
                rejectedDatagrams += 1
                return
            }
            account(i, bytes.count)
            sim.send(.datagram(bytes), from: i, to: to)
        }
    }

    private func account(_ i: Int, _ size: Int) {
        traffic[i].bytes += size
        traffic[i].largestDatagram = max(traffic[i].largestDatagram, size)
    }
}
