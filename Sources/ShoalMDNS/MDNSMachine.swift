public import ShoalCore
public import ShoalMultiformats

/// The libp2p mDNS discovery protocol as a pure state machine (wire.md §10).
///
/// Time is an input: every method takes `now`, a `Duration` since an origin the caller picks (the shell uses the
/// instant it started). The machine never reads a clock, never sleeps and does no I/O: it returns ``MDNSAction``s.
///
/// It queries `_p2p._udp.local` PTR at start, again after ``MDNSConfiguration/initialQueryDelay``, then at doubling
/// delays up to ``MDNSConfiguration/queryInterval`` (each with jitter); announces itself at start and when its
/// addresses change; answers queries with the addresses reachable on the interface the query came in on; reports
/// each peer once per new address set; and says goodbye (TTL 0) in ``stop()``.
public struct MDNSMachine: Sendable {
    /// This host's peer ID.
    public let localPeer: PeerID
    /// The settings.
    public let configuration: MDNSConfiguration
    /// The random instance label of this run (32 to 63 lowercase alphanumerics).
    public let peerName: String
    /// Counters.
    public private(set) var statistics = MDNSStatistics()

    struct Known {
        var addresses: Set<Multiaddr>
        var expires: Duration
        var lastDial: Duration?
    }

    var random: SplitMix64
    var interfaces: [MDNSInterface] = []
    var addresses: [Multiaddr] = []
    var known: [PeerID: Known] = [:]
    var nextQuery: Duration?
    var currentDelay: Duration
    var running = false
    var lastAnswer: [String: Duration] = [:]
    /// Answers held back by the rate limit, one per interface (keyed by name), sent by ``tick(now:)``.
    var deferredAnswers: [String: (interface: MDNSInterface?, due: Duration)] = [:]

    /// A machine for `localPeer`.
    /// - Parameters:
    ///   - localPeer: our peer ID (appended to every announced address, and used to ignore our own announcements).
    ///   - configuration: the settings.
    ///   - seed: seeds the peer name and the jitter; pass a fresh random value for each start.
    public init(localPeer: PeerID, configuration: MDNSConfiguration = MDNSConfiguration(), seed: UInt64) {
        self.localPeer = localPeer
        self.configuration = configuration
        var random = SplitMix64(seed: seed)
        self.peerName = Self.makePeerName(using: &random)
        self.random = random
        self.currentDelay = configuration.initialQueryDelay
    }

    /// A random label of 32 to 63 characters from `[a-z0-9]`.
    static func makePeerName(using random: inout SplitMix64) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let count = 32 + Int.random(in: 0..<32, using: &random)
        return String(
            decoding: (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] },
            as: UTF8.self
        )
    }

    /// When ``tick(now:)`` next has work, or nil when stopped.
    public var nextDeadline: Duration? {
        guard running else { return nil }
        return ([nextQuery].compactMap { $0 } + deferredAnswers.values.map(\.due)).min()
    }

    /// The peers currently remembered.
    public var knownPeers: [PeerID] { Array(known.keys) }

    // MARK: - Lifecycle

    /// Starts: one query on every interface and one announcement per interface.
    /// - Parameters:
    ///   - now: the current time.
    ///   - interfaces: the interfaces in use.
    ///   - addresses: our listen addresses (without `/p2p`).
    public mutating func start(now: Duration, interfaces: [MDNSInterface], addresses: [Multiaddr]) -> [MDNSAction] {
        self.interfaces = interfaces
        self.addresses = addresses
        running = true
        currentDelay = configuration.initialQueryDelay
        nextQuery = now + jittered(currentDelay)
        var actions = [queryAction()]
        actions += announcements(ttl: configuration.ttl)
        return actions
    }

    /// Replaces our addresses; announces again when they changed.
    public mutating func setAddresses(_ addresses: [Multiaddr], now: Duration) -> [MDNSAction] {
        guard running, addresses != self.addresses else { return [] }
        self.addresses = addresses
        return announcements(ttl: configuration.ttl)
    }

    /// Sends the periodic query when it is due and forgets expired peers.
    public mutating func tick(now: Duration) -> [MDNSAction] {
        guard running else { return [] }
        known = known.filter { $0.value.expires > now }
        var actions: [MDNSAction] = []
        for (_, deferred) in deferredAnswers.sorted(by: { $0.key < $1.key }) where deferred.due <= now {
            actions += answer(on: deferred.interface, now: now)
        }
        guard let due = nextQuery, now >= due else { return actions }
        currentDelay = min(currentDelay * 2, configuration.queryInterval)
        nextQuery = now + jittered(currentDelay)
        return actions + [queryAction()]
    }

    /// Stops: goodbye packets (TTL 0) on every interface.
    public mutating func stop() -> [MDNSAction] {
        guard running else { return [] }
        let actions = announcements(ttl: 0)
        deferredAnswers = [:]
        running = false
        nextQuery = nil
        return actions
    }

    // MARK: - Receiving

    /// Handles one received datagram.
    /// - Parameters:
    ///   - packet: the UDP payload.
    ///   - interface: the interface it came in on (nil when unknown: answers then carry every non-loopback address).
    ///   - now: the current time.
    /// - Returns: a response to send, discovered peers and dials.
    public mutating func receive(_ packet: [UInt8], interface: MDNSInterface?, now: Duration) -> [MDNSAction] {
        guard running else { return [] }
        statistics.packetsReceived += 1
        let message: DNSMessage
        do { message = try DNSMessage(decoding: packet) } catch {
            statistics.malformedPackets += 1
            return []
        }
        if message.isResponse { return handleResponse(message, now: now) }
        return handleQuery(message, interface: interface, now: now)
    }

    mutating func handleQuery(_ message: DNSMessage, interface: MDNSInterface?, now: Duration) -> [MDNSAction] {
        let instance = try? MDNSAnnouncement.serviceName.prepending(peerName)
        let host = try? DNSName(labels: [Array(peerName.utf8), Array("local".utf8)])
        var actions: [MDNSAction] = []
        var asked = false
        for question in message.questions {
            let isPTR = question.type == DNSRecordType.ptr || question.type == DNSRecordType.any
            if question.name == MDNSAnnouncement.serviceName && isPTR { asked = true }
            if question.name == instance || question.name == host { asked = true }
            // DNS-SD service enumeration (RFC 6763 §9): we offer `_p2p._udp.local`.
            if question.name == MDNSAnnouncement.servicesMetaName && isPTR,
                let bytes = try? MDNSAnnouncement.metaResponse(ttl: configuration.ttl).encoded()
            {
                statistics.responsesSent += 1
                actions.append(.send(bytes, interface: interface?.name))
            }
        }
        guard asked else { return actions }
        // Known-answer suppression (RFC 6762 §7.1): the asker already has our PTR with at least half its TTL.
        let knowsUs = message.answers.contains { record in
            guard case .ptr(let target) = record.data, let instance else { return false }
            return record.name == MDNSAnnouncement.serviceName && target == instance
                && record.ttl >= configuration.ttl / 2
        }
        if knowsUs {
            statistics.suppressedAnswers += 1
            return actions
        }
        // Rate limit (RFC 6762 §6 asks for 1 s; we use a shorter configurable bound so that start-up stays fast):
        // a query arriving this soon after our last answer on the interface already had that answer multicast.
        let key = interface?.name ?? ""
        if let last = lastAnswer[key], now - last < configuration.minimumAnswerInterval {
            // Held back, not dropped: one deferred answer per interface goes out when the interval has passed.
            statistics.rateLimitedAnswers += 1
            deferredAnswers[key] = (interface, last + configuration.minimumAnswerInterval)
            return actions
        }
        actions += answer(on: interface, now: now)
        return actions
    }

    mutating func handleResponse(_ message: DNSMessage, now: Duration) -> [MDNSAction] {
        let parsed = MDNSAnnouncement.parse(message)
        statistics.rejectedEntries += parsed.rejectedStrings + parsed.rejectedRecords
        if parsed.instanceNames.contains(where: { $0.firstLabel == peerName }) { statistics.ownAnnouncements += 1 }
        let own = ownAddresses()
        var actions: [MDNSAction] = []
        for found in parsed.peers where found.peer != localPeer {
            if found.addresses.contains(where: { own.contains($0.decapsulate(.p2p) ?? $0) }) {
                statistics.spoofedAnswers += 1
                continue
            }
            actions += remember(found, now: now)
        }
        return actions
    }

    mutating func remember(_ found: MDNSDiscoveredPeer, now: Duration) -> [MDNSAction] {
        if found.ttl == 0 {
            statistics.goodbyes += 1
            known[found.peer] = nil
            return []
        }
        let expires = now + .seconds(Int64(found.ttl))
        var entry: Known
        if let existing = known[found.peer], existing.expires > now {
            entry = existing
            entry.expires = expires
            if Set(found.addresses).isSubset(of: entry.addresses) {
                known[found.peer] = entry
                return []
            }
            entry.addresses.formUnion(found.addresses)
        } else {
            if known[found.peer] == nil, known.count >= configuration.maximumPeers {
                known = known.filter { $0.value.expires > now }
                guard known.count < configuration.maximumPeers else {
                    statistics.droppedPeers += 1
                    return []
                }
            }
            entry = Known(addresses: Set(found.addresses), expires: expires, lastDial: known[found.peer]?.lastDial)
        }
        var actions: [MDNSAction] = [.discovered(found)]
        if configuration.dialDiscovered {
            if let last = entry.lastDial, now - last < configuration.minimumDialInterval {
                statistics.droppedDials += 1
            } else {
                entry.lastDial = now
                actions.append(.dial(found))
            }
        }
        known[found.peer] = entry
        return actions
    }

    // MARK: - Building

    /// An answer on `interface` now, noting the time for the rate limit and clearing any deferred answer.
    mutating func answer(on interface: MDNSInterface?, now: Duration) -> [MDNSAction] {
        let key = interface?.name ?? ""
        deferredAnswers[key] = nil
        guard let response = response(on: interface, ttl: configuration.ttl) else { return [] }
        lastAnswer[key] = now
        return [response]
    }

    mutating func queryAction() -> MDNSAction {
        statistics.queriesSent += 1
        let bytes = (try? MDNSAnnouncement.query().encoded()) ?? []
        return .send(bytes, interface: nil)
    }

    mutating func announcements(ttl: UInt32) -> [MDNSAction] {
        if interfaces.isEmpty { return response(on: nil, ttl: ttl).map { [$0] } ?? [] }
        return interfaces.compactMap { response(on: $0, ttl: ttl) }
    }

    mutating func response(on interface: MDNSInterface?, ttl: UInt32) -> MDNSAction? {
        let reachable = MDNSAddressFilter.reachable(
            addresses,
            on: interface,
            includeLoopback: configuration.includeLoopback
        )
        guard !reachable.isEmpty else { return nil }
        let hosts = MDNSAddressFilter.hostAddresses(of: interface, includeLoopback: configuration.includeLoopback)
        guard
            let message = try? MDNSAnnouncement.response(
                peerName: peerName,
                peer: localPeer,
                addresses: reachable,
                hostAddresses: hosts,
                ttl: ttl
            ),
            let bytes = try? message.encoded()
        else { return nil }
        statistics.responsesSent += 1
        return .send(bytes, interface: interface?.name)
    }

    /// Every address we announce or listen on, without `/p2p`.
    func ownAddresses() -> Set<Multiaddr> {
        var own = Set(addresses)
        for interface in interfaces {
            own.formUnion(MDNSAddressFilter.reachable(addresses, on: interface, includeLoopback: true))
        }
        return own
    }

    mutating func jittered(_ delay: Duration) -> Duration {
        guard configuration.jitter > 0 else { return delay }
        let factor = 1 + Double.random(in: -configuration.jitter...configuration.jitter, using: &random)
        return delay * factor
    }
}
