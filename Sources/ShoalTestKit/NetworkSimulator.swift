public import ShoalCore

// MARK: - NetworkSimulator

/// A deterministic discrete-event network simulator, generic over the message type.
///
/// Nodes are numbered `0..<nodeCount`. The simulator owns a virtual clock (nanoseconds), an event queue
/// and a seeded generator. A driver loop pulls events with ``nextEvent()`` and reacts by calling
/// ``send(_:from:to:reliable:)`` and ``schedule(node:at:tag:)``:
///
/// ```swift
/// var sim = NetworkSimulator<MyMessage>(nodeCount: 8, seed: 42)
/// sim.schedule(node: 0, at: 0, tag: 0)
/// while let event = sim.nextEvent() { … }
/// ```
///
/// Faults: per-message loss (``lossProbability``, or per link), latency from a ``LatencyModel``
/// (per link overrides), partitions (groups that cannot reach each other), crashes (a crashed node
/// receives nothing and its timers never fire) and stalls (a stalled node processes nothing until the
/// stall ends; what arrived meanwhile is handled then, in the original order). Runs are bounded by
/// ``timeLimit`` and ``eventLimit``.
public struct NetworkSimulator<Message: Sendable>: Sendable {
    /// Something that happens to one node.
    public enum Event: Sendable {
        /// A message arrives at `to`.
        case deliver(to: Int, from: Int, message: Message)
        /// A timer set with ``NetworkSimulator/schedule(node:at:tag:)`` fires.
        case timer(node: Int, tag: UInt64)
        /// A user event scheduled with ``NetworkSimulator/scheduleAction(at:tag:)`` (no node).
        case action(tag: UInt64)

        /// The node the event is for, if any.
        public var node: Int? {
            switch self {
            case .deliver(let to, _, _): return to
            case .timer(let node, _): return node
            case .action: return nil
            }
        }
    }

    /// Counters of what the network did.
    public struct Counters: Sendable, Hashable {
        /// Messages handed to ``NetworkSimulator/send(_:from:to:reliable:)``.
        public var sent = 0
        /// Messages delivered.
        public var delivered = 0
        /// Messages lost to random loss.
        public var lost = 0
        /// Messages dropped by a partition or because an end was crashed.
        public var blocked = 0
        /// Events deferred because their node was stalled.
        public var deferred = 0
    }

    // MARK: - State

    /// The current virtual time in nanoseconds.
    public private(set) var now: UInt64 = 0
    /// How many events have been handed out.
    public private(set) var eventCount = 0
    /// Network counters.
    public private(set) var counters = Counters()
    /// The simulation's generator (drivers may use it for their own draws).
    public var random: SimRandom
    /// The default latency of every link.
    public var latency: LatencyModel
    /// The default probability that a best-effort message is lost.
    public var lossProbability: Double
    /// Stop before any event later than this time (nanoseconds).
    public var timeLimit: UInt64 = .max
    /// Stop after handing out this many events.
    public var eventLimit: Int = .max

    /// The number of nodes.
    public let nodeCount: Int
    private var queue = EventQueue<Event>()
    private var crashed: [Bool]
    private var stalledUntil: [UInt64]
    private var group: [Int]
    private var linkLoss: [Int: Double] = [:]
    private var linkLatency: [Int: LatencyModel] = [:]
    private var accessDelay: [UInt64]

    /// Creates a simulator.
    /// - Parameters:
    ///   - nodeCount: how many nodes (numbered from 0).
    ///   - seed: the generator seed; equal seeds give equal runs.
    ///   - latency: the default link latency.
    ///   - lossProbability: the default loss probability for best-effort messages.
    public init(nodeCount: Int, seed: UInt64, latency: LatencyModel = .lan, lossProbability: Double = 0) {
        precondition(nodeCount >= 0, "nodeCount must not be negative")
        self.nodeCount = nodeCount
        self.random = SimRandom(seed: seed)
        self.latency = latency
        self.lossProbability = lossProbability
        self.crashed = Array(repeating: false, count: nodeCount)
        self.stalledUntil = Array(repeating: 0, count: nodeCount)
        self.group = Array(repeating: 0, count: nodeCount)
        self.accessDelay = Array(repeating: 0, count: nodeCount)
    }

    // MARK: - Faults

    /// Sets the loss probability of the directed link `from → to` (overrides the default).
    public mutating func setLoss(_ probability: Double, from: Int, to: Int) {
        linkLoss[from * nodeCount + to] = probability
    }

    /// Sets the latency of the directed link `from → to` (overrides the default).
    public mutating func setLatency(_ model: LatencyModel, from: Int, to: Int) {
        linkLatency[from * nodeCount + to] = model
    }

    /// Sets a node's access delay, added to every message it sends or receives: with a different delay per
    /// node every link gets its own latency (`sample + access(from) + access(to)`) without an n² table.
    public mutating func setAccessDelay(_ delay: UInt64, node: Int) {
        accessDelay[node] = delay
    }

    /// Splits the network: nodes in different groups cannot reach each other. Nodes not listed join group 0.
    /// - Parameter groups: disjoint sets of nodes.
    public mutating func partition(_ groups: [[Int]]) {
        for i in 0..<nodeCount { group[i] = 0 }
        for (g, members) in groups.enumerated() {
            for node in members where node >= 0 && node < nodeCount { group[node] = g + 1 }
        }
    }

    /// Removes every partition.
    public mutating func heal() {
        for i in 0..<nodeCount { group[i] = 0 }
    }

    /// Whether `a` can currently reach `b` (same partition group).
    public func canReach(_ a: Int, _ b: Int) -> Bool { group[a] == group[b] }

    /// Crashes a node: it receives nothing and its timers never fire, until ``restart(_:)``.
    public mutating func crash(_ node: Int) { crashed[node] = true }

    /// Brings a crashed node back (its old timers stay dropped).
    public mutating func restart(_ node: Int) { crashed[node] = false }

    /// Whether the node is crashed.
    public func isCrashed(_ node: Int) -> Bool { crashed[node] }

    /// Stalls a node until `until`: its events are held and handled at `until`, in their original order.
    public mutating func stall(_ node: Int, until: UInt64) {
        stalledUntil[node] = max(stalledUntil[node], until)
    }

    /// Whether the node is stalled at the current time.
    public func isStalled(_ node: Int) -> Bool { stalledUntil[node] > now }

    // MARK: - Scheduling

    /// Sends a message. Best-effort messages may be lost; all messages respect partitions, crashes and latency.
    /// - Parameters:
    ///   - message: the payload.
    ///   - from: the sender.
    ///   - to: the receiver.
    ///   - reliable: when true the message is never randomly lost (a stream), but still blocked by partitions.
    /// - Returns: whether the message was put on the wire (false when lost or blocked).
    @discardableResult
    public mutating func send(_ message: Message, from: Int, to: Int, reliable: Bool = false) -> Bool {
        counters.sent += 1
        guard to >= 0, to < nodeCount, !crashed[from], group[from] == group[to] else {
            counters.blocked += 1
            return false
        }
        let link = from * nodeCount + to
        if !reliable {
            let p = linkLoss[link] ?? lossProbability
            if random.chance(p) {
                counters.lost += 1
                return false
            }
        }
        let delay = (linkLatency[link] ?? latency).sample(&random) &+ accessDelay[from] &+ accessDelay[to]
        queue.insert(.deliver(to: to, from: from, message: message), at: now &+ delay)
        return true
    }

    /// Schedules a timer for a node.
    /// - Parameters:
    ///   - node: the node.
    ///   - at: the absolute virtual time (clamped to now).
    ///   - tag: an opaque value handed back in the event (drivers use it to ignore superseded timers).
    public mutating func schedule(node: Int, at: UInt64, tag: UInt64) {
        queue.insert(.timer(node: node, tag: tag), at: max(at, now))
    }

    /// Schedules a driver action that belongs to no node (a crash, a measurement…).
    public mutating func scheduleAction(at: UInt64, tag: UInt64) {
        queue.insert(.action(tag: tag), at: max(at, now))
    }

    // MARK: - Running

    /// The next event, advancing the clock; nil when the queue is empty or a limit is reached.
    ///
    /// Events for crashed nodes are dropped; events for stalled nodes are deferred to the stall's end.
    public mutating func nextEvent() -> Event? {
        while eventCount < eventLimit, let time = queue.nextTime, time <= timeLimit {
            guard let (t, order, event) = queue.popFirst() else { return nil }
            now = max(now, t)
            if let node = event.node {
                if crashed[node] {
                    if case .deliver = event { counters.blocked += 1 }
                    continue
                }
                if stalledUntil[node] > now {
                    counters.deferred += 1
                    queue.insert(event, at: stalledUntil[node], order: order)
                    continue
                }
                if case .deliver = event { counters.delivered += 1 }
            }
            eventCount += 1
            return event
        }
        if let time = queue.nextTime, time > timeLimit, timeLimit != .max { now = max(now, timeLimit) }
        return nil
    }
}
