// MARK: - Member, events, directives, counters

extension SWIM {
    /// A member's status as this instance sees it.
    public enum Status: UInt8, Sendable, Hashable, CustomStringConvertible {
        /// Answering probes.
        case alive
        /// Failed a probe; will be declared dead unless it refutes in time.
        case suspect
        /// Declared dead (revived only by its own record with a higher incarnation).
        case dead
        /// Left gracefully (terminal for this node identity).
        case left

        /// A short human-readable form.

        public var description: String {
            switch self {
            case .alive: return "alive"
            case .suspect: return "suspect"
            case .dead: return "dead"
            case .left: return "left"
            }
        }
    }

    /// A snapshot of one member.
    public struct Member: Sendable, Hashable {
        /// The member's identity.
        public var node: NodeID
        /// Its status here.
        public var status: Status
        /// Its incarnation.
        public var incarnation: UInt64
        /// Where it listens.
        public var address: Address
        /// Its opaque metadata.
        public var metadata: [UInt8]
    }

    /// A change in the membership, for the application.
    public struct MemberEvent: Sendable, Hashable {
        /// What happened.
        public enum Kind: Sendable, Hashable {
            /// A new member appeared.
            case joined
            /// A member's metadata or address changed (new incarnation).
            case updated
            /// A member became suspect.
            case suspect
            /// A suspect or dead member proved it is alive.
            case alive
            /// A member was declared dead.
            case dead
            /// A member left gracefully.
            case left
        }

        /// What happened.
        public var kind: Kind
        /// The member after the change.
        public var member: Member
    }

    /// What the instance asks its shell to do.
    public enum Directive: Sendable, Hashable {
        /// Send a datagram to `address` (the member `node`, when known). Encode it with ``WireCodec`` and seal
        /// it with ``PacketSecurity``; it fits the budget including the security overhead.
        case send(Packet, to: Address, node: NodeID?)
        /// Open a secure stream to `address`, send `state` (``WireCodec/encode(_:)-(PushPullState)``), read the
        /// peer's state back and feed it to ``Instance/mergeRemoteState(_:now:)``. The peer answers with
        /// ``Instance/answerPushPull(_:now:)``.
        case pushPull(to: Address, node: NodeID?, state: PushPullState)
        /// Tell the application.
        case event(MemberEvent)
        /// Call ``Instance/tick(now:)`` at this time (replaces any earlier wake-up request).
        case wake(at: Time)
        /// The direct probe of `node` timed out, or a last-chance probe of a suspect started: also ping it over a
        /// reliable stream (memberlist's TCP fallback), when the shell has one. On success, feed
        /// ``Instance/streamPingSucceeded(sequence:now:)`` before the probe ends; failure needs no input. Emitted
        /// only with ``Settings/streamFallbackPing``.
        case streamPing(to: Address, node: NodeID, sequence: UInt32)
    }

    /// What the instance counted (peer misbehaviour and protocol activity).
    public struct Counters: Sendable, Hashable {
        /// Records whose signature did not verify (dropped).
        public var forgedRecords = 0
        /// Claims at an incarnation above the one known (only the member raises it), dropped.
        public var rejectedClaims = 0
        /// Messages older than what is known (ignored).
        public var staleMessages = 0
        /// Times this member refuted a suspicion or death claim about itself.
        public var refutations = 0
        /// Pings for another identity (e.g. a previous start), ignored.
        public var misdirectedPings = 0
        /// Probes started.
        public var probes = 0
        /// Probes that ended without any ack.
        public var failedProbes = 0
        /// Ping requests sent to intermediaries.
        public var pingRequestsSent = 0
        /// Nacks sent as an intermediary.
        public var nacksSent = 0
        /// Nacks received for our probes.
        public var nacksReceived = 0
        /// Relays or members dropped because a cap was reached.
        public var capacityDrops = 0
        /// Suspicions this instance started itself.
        public var suspicionsRaised = 0
        /// Members this instance declared dead itself (its suspicion timer fired).
        public var deathsDeclared = 0
        /// Last-chance probes sent before declaring a suspect dead.
        public var verifications = 0
        /// Last-chance probes that were answered (the suspicion started over).
        public var verificationsAnswered = 0
        /// Probes answered only over the stream fallback (UDP to the target looks blocked).
        public var streamFallbackAcks = 0

        /// All zero.
        public init() {}
    }
}
