// MARK: - Messages and packets

extension SWIM {
    /// One SWIM message. A datagram (``Packet``) carries one or more.
    public enum Message: Hashable, Sendable {
        /// A probe of `target`; answered with ``ack(sequence:)`` by the target only.
        case ping(sequence: UInt32, target: NodeID)
        /// Ask the receiver to probe `target` at `targetAddress` and forward the ack (or a nack when
        /// `wantsNack` and no ack came in time).
        case pingRequest(sequence: UInt32, target: NodeID, targetAddress: Address, wantsNack: Bool)
        /// The answer to a ping (or a forwarded answer to a ping request).
        case ack(sequence: UInt32)
        /// An intermediary heard nothing from the target (Lifeguard).
        case nack(sequence: UInt32)
        /// A member's signed self-statement (alive or left).
        case record(MemberRecord)
        /// A suspicion claim.
        case suspect(Claim)
        /// A death claim.
        case dead(Claim)

        /// Whether a packet led by this message carries the sender's own record when it has room: pings and ping
        /// requests (their receiver may not know the sender yet; an ack's receiver always does).
        var invitesOwnRecord: Bool {
            switch self {
            case .ping, .pingRequest: return true
            default: return false
            }
        }

        /// Whether this is part of the failure detector (ping, ping request, ack, nack) rather than gossip.
        public var isProbe: Bool {
            switch self {
            case .ping, .pingRequest, .ack, .nack: return true
            case .record, .suspect, .dead: return false
            }
        }
    }

    /// One datagram's content: the sender and its messages (the failure-detector message first, then
    /// piggybacked gossip).
    public struct Packet: Hashable, Sendable {
        /// The sender's identity (authenticated by ``PacketSecurity``).
        public var sender: NodeID
        /// The messages, at most ``WireCodec/maxMessagesPerPacket``.
        public var messages: [Message]

        /// Creates a packet.
        public init(sender: NodeID, messages: [Message]) {
            self.sender = sender
            self.messages = messages
        }

        /// Whether the packet carries a failure-detector message (else it is pure gossip).
        public var isProbe: Bool { messages.contains { $0.isProbe } }
    }

    /// A full state exchange (push-pull anti-entropy), sent over a secure stream by the shell.
    public struct PushPullState: Hashable, Sendable {
        /// One entry of the state.
        public enum Entry: Hashable, Sendable {
            /// A member's signed record.
            case record(MemberRecord)
            /// The sender suspects this member.
            case suspect(Claim)
            /// The sender thinks this member is dead (the receiver downgrades it to a suspicion).
            case dead(Claim)
        }

        /// Who sent the state.
        public var sender: NodeID
        /// Whether this exchange is a join.
        public var join: Bool
        /// The entries, at most ``WireCodec/maxPushPullEntries``.
        public var entries: [Entry]

        /// Creates a state.
        public init(sender: NodeID, join: Bool, entries: [Entry]) {
            self.sender = sender
            self.join = join
            self.entries = entries
        }
    }
}
