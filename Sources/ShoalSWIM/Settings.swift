// MARK: - Settings

extension SWIM {
    /// Protocol parameters. ``lan`` holds memberlist's LAN profile (see swim.md §2.5); ``wan`` and ``local``
    /// its other profiles.
    public struct Settings: Sendable, Hashable {
        /// The protocol period T: one probe per period (scaled by the awareness score).
        public var probeInterval: Duration = .seconds(1)
        /// How long to wait for a direct ack before asking intermediaries (scaled by the awareness score).
        public var probeTimeout: Duration = .milliseconds(500)
        /// k: how many intermediaries to ask for an indirect probe.
        public var indirectChecks = 3
        /// An intermediary waits this fraction of ``probeTimeout`` before sending a nack.
        public var indirectTimeoutFraction = 0.8
        /// Suspicion Min = suspicionMult × max(1, log10 N) × T.
        public var suspicionMult = 4
        /// Suspicion Max = suspicionMaxTimeoutMult × Min.
        public var suspicionMaxTimeoutMult = 6
        /// Each broadcast is sent retransmitMult × ceil(log10(N+1)) times.
        public var retransmitMult = 4
        /// How often pending broadcasts are pushed to random members.
        public var gossipInterval: Duration = .milliseconds(200)
        /// How many members each gossip round targets.
        public var gossipNodes = 3
        /// The push-pull (full state sync) period for N ≤ 32; it grows with log2 N above.
        public var pushPullInterval: Duration = .seconds(30)
        /// The awareness score ranges over 0..<awarenessMaxMultiplier.
        public var awarenessMaxMultiplier = 8
        /// Dead and left members are still gossiped to, and kept, this long.
        public var gossipToTheDeadTime: Duration = .seconds(30)
        /// How long a left identity is remembered after it is reaped, to ignore stale gossip about it.
        public var tombstoneTime: Duration = .seconds(3600)
        /// The datagram budget, including the security overhead (``PacketSecurity/maxOverhead``).
        public var packetBudget = 1400
        /// Lifeguard on: awareness scaling, nacks, the buddy system and confirmation-scaled suspicion. Off: a
        /// fixed suspicion timeout (Min) and none of the rest (classic SWIM, for contrast runs).
        public var lifeguard = true
        /// Before declaring a suspect dead, probe it once more (directly with the suspicion attached, and through
        /// k intermediaries) for one probe timeout; an ack restarts the suspicion instead. A Shoal extension that
        /// gives a member that missed the refutation's gossip a last chance to hear it (off with `lifeguard`).
        public var verifyBeforeDeclaringDead = true
        /// When a direct probe times out, also ask the shell to ping the target over a stream
        /// (``Directive/streamPing(to:node:sequence:)``), as memberlist does over TCP. A shell without streams
        /// ignores the directive.
        public var streamFallbackPing = true
        /// Pings and ping requests with no gossip to carry piggyback the sender's own signed record, so that a
        /// member that missed a join's gossip learns the sender at its next probe.
        public var piggybackOwnRecord = true
        /// The most members tracked (further new members are ignored and counted).
        public var maxMembers = 65_536
        /// The most probes relayed for others at once.
        public var maxPendingRelays = 1024
        /// The most broadcasts queued.
        public var maxQueuedBroadcasts = 8192

        /// Settings with the LAN defaults.
        public init() {}

        /// memberlist's LAN profile (the defaults).
        public static var lan: Settings { Settings() }

        /// memberlist's WAN profile.
        public static var wan: Settings {
            var s = Settings()
            s.probeInterval = .seconds(5)
            s.probeTimeout = .seconds(3)
            s.suspicionMult = 6
            s.gossipInterval = .milliseconds(500)
            s.gossipNodes = 4
            s.pushPullInterval = .seconds(60)
            s.gossipToTheDeadTime = .seconds(60)
            return s
        }

        /// memberlist's local (loopback) profile.
        public static var local: Settings {
            var s = Settings()
            s.probeTimeout = .milliseconds(200)
            s.indirectChecks = 1
            s.suspicionMult = 3
            s.retransmitMult = 2
            s.gossipInterval = .milliseconds(100)
            s.pushPullInterval = .seconds(15)
            s.gossipToTheDeadTime = .seconds(15)
            return s
        }
    }
}
