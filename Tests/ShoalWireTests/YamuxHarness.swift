import ShoalCore

@testable import ShoalWire

// MARK: - Back-to-back harness

/// How bytes written by one session reach the other.
enum Chunking {
    /// Everything pending in one call.
    case whole
    /// One byte per call.
    case bytes
    /// Random chunk sizes up to the given maximum.
    case random(Int)
}

/// One side of a back-to-back test: a session plus a toy application that reads slowly and writes what it is given.
struct YamuxPeer {
    var session: YamuxSession
    var inbox = ByteQueue()
    var received: [YamuxStreamID: [UInt8]] = [:]
    var unconsumed: [YamuxStreamID: Int] = [:]
    var outgoing: [YamuxStreamID: ArraySlice<UInt8>] = [:]
    var closeWhenSent: Set<YamuxStreamID> = []
    var opened: [YamuxStreamID] = []
    var remoteClosed: Set<YamuxStreamID> = []
    var closed: Set<YamuxStreamID> = []
    var resets: [YamuxStreamID: UInt32] = [:]
    var failures: [ShoalError] = []
    var maximumUnconsumedSeen = 0
    var windowViolations = 0
    /// Data the application writes on each inbound stream it accepts, by stream ID.
    var replies: (YamuxStreamID) -> [UInt8] = { _ in [] }

    init(role: YamuxRole, configuration: YamuxConfiguration) {
        session = YamuxSession(role: role, configuration: configuration)
    }
}

/// Two sessions wired back to back, with a step function that moves bytes, reads and writes.
struct YamuxPair {
    var client: YamuxPeer
    var server: YamuxPeer
    var chunking: Chunking
    var readPerStep: Int
    var rng: SplitMix64

    init(
        configuration: YamuxConfiguration = YamuxConfiguration(keepaliveInterval: nil),
        chunking: Chunking = .whole,
        readPerStep: Int = .max,
        seed: UInt64 = 1
    ) {
        client = YamuxPeer(role: .client, configuration: configuration)
        server = YamuxPeer(role: .server, configuration: configuration)
        self.chunking = chunking
        self.readPerStep = readPerStep
        rng = SplitMix64(seed: seed)
    }

    /// Opens a stream on `side` that will carry `data` and then close.
    static func open(_ peer: inout YamuxPeer, other: inout YamuxPeer, data: [UInt8]) throws -> YamuxStreamID {
        let (id, actions) = try peer.session.openStream()
        apply(actions, to: &peer, other: &other)
        peer.outgoing[id] = data[...]
        peer.closeWhenSent.insert(id)
        return id
    }

    /// Carries out `actions` of `peer`.
    static func apply(_ actions: [YamuxAction], to peer: inout YamuxPeer, other: inout YamuxPeer) {
        for action in actions {
            switch action {
            case .write(let bytes):
                other.inbox.append(bytes[...])
            case .writeSegments(let output):
                other.inbox.append(output.bytes[...])
            case .streamOpened(let id):
                peer.opened.append(id)
                let accept = peer.session.acceptStream(id)
                peer.outgoing[id] = peer.replies(id)[...]
                peer.closeWhenSent.insert(id)
                apply(accept, to: &peer, other: &other)
            case .data(let id, let bytes):
                peer.received[id, default: []] += bytes
                let pending = peer.unconsumed[id, default: 0] + bytes.count
                peer.unconsumed[id] = pending
                peer.maximumUnconsumedSeen = max(peer.maximumUnconsumedSeen, pending)
                if pending > peer.session.configuration.receiveWindow { peer.windowViolations += 1 }
            case .remoteClosed(let id):
                peer.remoteClosed.insert(id)
            case .streamClosed(let id):
                peer.closed.insert(id)
            case .reset(let id, let code):
                peer.resets[id] = code
            case .sessionFailed(let error):
                peer.failures.append(error)
            case .streamAcknowledged, .windowAvailable, .goAway, .scheduleKeepalive:
                break
            }
        }
    }

    /// Feeds `peer`'s inbox into its session according to the chunking. Returns the bytes fed.
    private static func deliver(
        _ peer: inout YamuxPeer,
        other: inout YamuxPeer,
        chunking: Chunking,
        rng: inout SplitMix64
    ) -> Int {
        let total = peer.inbox.count
        while !peer.inbox.isEmpty {
            let n: Int
            switch chunking {
            case .whole: n = peer.inbox.count
            case .bytes: n = 1
            case .random(let maximum): n = Int.random(in: 1...maximum, using: &rng)
            }
            let piece = peer.inbox.read(upTo: n)
            YamuxPair.apply(peer.session.receive(piece), to: &peer, other: &other)
        }
        return total
    }

    /// The application side: consume some of what arrived, then write what is pending.
    private static func application(_ peer: inout YamuxPeer, other: inout YamuxPeer, readPerStep: Int) -> Int {
        var progress = 0
        for (id, pending) in peer.unconsumed.sorted(by: { $0.key < $1.key }) where pending > 0 {
            let n = min(pending, readPerStep)
            peer.unconsumed[id] = pending - n
            progress += n
            YamuxPair.apply(peer.session.consumed(n, on: id), to: &peer, other: &other)
        }
        for id in peer.outgoing.keys.sorted() {
            guard let data = peer.outgoing[id], peer.session.isOpen(id) else { continue }
            if !data.isEmpty {
                guard let (accepted, actions) = try? peer.session.send(data, on: id) else { continue }
                peer.outgoing[id] = data.dropFirst(accepted)
                progress += accepted
                YamuxPair.apply(actions, to: &peer, other: &other)
            }
            if peer.outgoing[id]!.isEmpty && peer.closeWhenSent.contains(id) {
                peer.closeWhenSent.remove(id)
                peer.outgoing[id] = nil
                YamuxPair.apply(peer.session.closeStream(id), to: &peer, other: &other)
                progress += 1
            }
        }
        return progress
    }

    /// Runs until nothing moves any more (or `maximumSteps`). Returns the number of steps taken.
    @discardableResult
    mutating func run(maximumSteps: Int = 1_000_000) -> Int {
        var idle = 0
        for step in 0..<maximumSteps {
            idle = self.step() == 0 ? idle + 1 : 0
            if idle >= 2 { return step }
        }
        return maximumSteps
    }

    /// One round: deliver both inboxes, then let both applications read and write. Returns a progress measure
    /// (0 when nothing moved).
    mutating func step() -> Int {
        var progress = 0
        progress += YamuxPair.deliver(&client, other: &server, chunking: chunking, rng: &rng)
        progress += YamuxPair.deliver(&server, other: &client, chunking: chunking, rng: &rng)
        progress += YamuxPair.application(&client, other: &server, readPerStep: readPerStep)
        progress += YamuxPair.application(&server, other: &client, readPerStep: readPerStep)
        return progress
    }
}
