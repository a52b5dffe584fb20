import ShoalCore
public import ShoalCrypto

// MARK: - PacketSecurity

extension SWIM {
    /// Protects datagrams, as a value with no I/O: seals outgoing ``Packet``s and opens incoming datagrams.
    ///
    /// **With a cluster key** (``Keyring``), a datagram is
    /// ```
    /// u8 0xA1 (sealed, v1) | u8 key ID | 24B random nonce | XChaCha20-Poly1305( u64 sequence | packet ) | 16B tag
    /// ```
    /// with the first two bytes as additional data (50 bytes of overhead).
    ///
    /// **Without one**, a datagram is authenticated by the sender's own Ed25519 key (the key of the packet's
    /// sender NodeID):
    /// ```
    /// u8 0xA2 (signed, v1) | u64 sequence | packet | 64B Ed25519 signature over "shoal/swim/packet/v1" || all before it
    /// ```
    /// (73 bytes of overhead; no confidentiality).
    ///
    /// Either way the sequence number goes through a per-sender ``ReplayWindow``. Oversized, unauthenticated,
    /// malformed and replayed datagrams are dropped and counted in ``counters``; nothing is thrown at the shell.
    public struct PacketSecurity: Sendable {
        /// What was dropped.
        public struct Counters: Sendable, Hashable {
            /// Datagrams opened and accepted.
            public var accepted = 0
            /// Datagrams over the size budget.
            public var oversize = 0
            /// Datagrams that failed authentication (bad tag, unknown key ID, bad signature, wrong mode).
            public var authenticationFailures = 0
            /// Datagrams whose sequence number was seen before or is too old.
            public var replays = 0
            /// Authenticated datagrams whose content does not decode (or is too short to parse).
            public var malformed = 0
            /// Datagrams that claim to come from this member.
            public var reflected = 0

            /// All zero.
            public init() {}
        }

        /// The protection mode.
        public enum Mode: Sendable {
            /// Seal with the keyring's primary key; accept any installed key.
            case clusterKeys(Keyring)
            /// Sign with the member's Ed25519 key.
            case signed
        }

        /// The largest overhead of either mode (the instance reserves it in every datagram).
        public static let maxOverhead = 73
        /// The largest datagram accepted or produced.
        public static let maxDatagramByteCount = WireCodec.maxPacketByteCount
        /// The most senders tracked for replay protection (when full, an arbitrary tracked sender is forgotten;
        /// its next datagram then starts a fresh window).
        public static let maxTrackedSenders = 16_384

        static let sealedVersion: UInt8 = 0xA1
        static let signedVersion: UInt8 = 0xA2
        static let signingContext: [UInt8] = Array("shoal/swim/packet/v1".utf8)

        /// The mode (mutable, for key rotation through ``keyring``).
        public private(set) var mode: Mode
        private let signingKey: Ed25519.PrivateKey
        private let local: NodeID
        private var nextSequence: UInt64 = 1
        private var windows: [NodeID: ReplayWindow] = [:]
        /// What was accepted and dropped.
        public private(set) var counters = Counters()

        /// Creates the packet protection for one member.
        /// - Parameters:
        ///   - mode: cluster keys or signatures.
        ///   - key: the member's Ed25519 key (signs in ``Mode/signed`` mode).
        ///   - uid: the member's per-start identity.
        public init(mode: Mode, key: Ed25519.PrivateKey, uid: UInt64) {
            self.mode = mode
            self.signingKey = key
            self.local = NodeID(publicKey: key.publicKey, uid: uid)
        }

        /// The keyring, in cluster-key mode; setting it switches to cluster-key mode.
        public var keyring: Keyring? {
            get {
                if case .clusterKeys(let k) = mode { return k }
                return nil
            }
            set {
                if let newValue { mode = .clusterKeys(newValue) }
            }
        }

        // MARK: - Sealing

        /// Encodes and protects a packet.
        /// - Throws: ``ShoalError`` `.limitExceeded` when the result would exceed the datagram budget,
        ///   `.invalidArgument` when the packet's sender is not this member.
        public mutating func seal(_ packet: Packet) throws -> [UInt8] {
            guard packet.sender == local else {
                throw ShoalError(.invalidArgument, "SWIM packet sender is not this member")
            }
            let plain = try WireCodec.encode(packet)
            let seq = nextSequence
            nextSequence += 1
            var w = ByteWriter(capacity: plain.count + Self.maxOverhead)
            switch mode {
            case .clusterKeys(let ring):
                w.append(Self.sealedVersion)
                w.append(ring.primaryID)
                let header = w.bytes
                let nonce = secureRandomBytes(XChaCha20Poly1305.nonceByteCount)
                var inner = ByteWriter(capacity: plain.count + 8)
                inner.append(seq)
                inner.append(plain)
                let sealed = try XChaCha20Poly1305.seal(
                    inner.bytes,
                    key: ring.primaryKey,
                    nonce: nonce,
                    authenticating: header
                )
                w.append(nonce)
                w.append(sealed)
            case .signed:
                w.append(Self.signedVersion)
                w.append(seq)
                w.append(plain)
                w.append(signingKey.signature(for: Self.signingContext + w.bytes))
            }
            guard w.bytes.count <= Self.maxDatagramByteCount else {
                throw ShoalError(
                    .limitExceeded,
                    "SWIM datagram of \(w.bytes.count) bytes exceeds \(Self.maxDatagramByteCount)"
                )
            }
            return w.bytes
        }

        // MARK: - Opening

        /// Authenticates, checks for replay and decodes a datagram; nil (and a counter) when it is dropped.
        public mutating func open(_ datagram: [UInt8]) -> Packet? {
            guard datagram.count <= Self.maxDatagramByteCount else {
                counters.oversize += 1
                return nil
            }
            guard let first = datagram.first else {
                counters.malformed += 1
                return nil
            }
            let opened: (UInt64, Packet)?
            switch (mode, first) {
            case (.clusterKeys(let ring), Self.sealedVersion): opened = openSealed(datagram, ring)
            case (.signed, Self.signedVersion): opened = openSigned(datagram)
            default:
                counters.authenticationFailures += 1
                return nil
            }
            guard let (seq, packet) = opened else { return nil }
            guard packet.sender != local else {
                counters.reflected += 1
                return nil
            }
            var window = windows[packet.sender] ?? ReplayWindow()
            guard window.accept(seq) else {
                counters.replays += 1
                return nil
            }
            if windows[packet.sender] == nil, windows.count >= Self.maxTrackedSenders {
                windows.remove(at: windows.startIndex)
            }
            windows[packet.sender] = window
            counters.accepted += 1
            return packet
        }

        private mutating func openSealed(_ d: [UInt8], _ ring: Keyring) -> (UInt64, Packet)? {
            let headerCount = 2 + XChaCha20Poly1305.nonceByteCount
            guard d.count >= headerCount + XChaCha20Poly1305.tagByteCount + 8 else {
                counters.authenticationFailures += 1
                return nil
            }
            guard let key = ring.key(d[1]) else {
                counters.authenticationFailures += 1
                return nil
            }
            let nonce = Array(d[2..<headerCount])
            guard
                let inner = try? XChaCha20Poly1305.open(
                    Array(d[headerCount...]),
                    key: key,
                    nonce: nonce,
                    authenticating: Array(d[0..<2])
                )
            else {
                counters.authenticationFailures += 1
                return nil
            }
            var r = ByteReader(inner)
            guard let seq = try? r.u64("sequence"), let packet = try? WireCodec.decode(Array(inner[8...])) else {
                counters.malformed += 1
                return nil
            }
            return (seq, packet)
        }

        private mutating func openSigned(_ d: [UInt8]) -> (UInt64, Packet)? {
            let sigCount = MemberRecord.signatureByteCount
            guard d.count > 9 + sigCount else {
                counters.malformed += 1
                return nil
            }
            let body = Array(d[0..<(d.count - sigCount)])
            var r = ByteReader(body)
            _ = try? r.u8("version")
            guard let seq = try? r.u64("sequence"), let packet = try? WireCodec.decode(Array(body[9...])) else {
                counters.malformed += 1
                return nil
            }
            guard let key = try? Ed25519.PublicKey(rawRepresentation: packet.sender.publicKeyBytes),
                key.isValidSignature(Array(d[(d.count - sigCount)...]), for: Self.signingContext + body)
            else {
                counters.authenticationFailures += 1
                return nil
            }
            return (seq, packet)
        }
    }
}
