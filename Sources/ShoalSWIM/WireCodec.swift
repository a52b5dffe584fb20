import ShoalCore

// MARK: - WireCodec

extension SWIM {
    /// The binary encoding of SWIM packets and push-pull states. All integers are big-endian.
    ///
    /// **Packet** (one datagram's plaintext, before ``PacketSecurity`` seals or signs it):
    /// ```
    /// u8  version = 1
    /// 40B sender NodeID            (32-byte Ed25519 key, u64 uid)
    /// u8  message count            (1...255)
    /// count × { u8 type | u16 body length | body }
    /// ```
    /// Message bodies, by type byte:
    /// ```
    /// 0x01 ping         u32 seq | NodeID target                                        (44 B)
    /// 0x02 ping-req     u32 seq | NodeID target | u8 flags (bit 0: wants nack)
    ///                   | u8 address length | address                                  (46 B + address)
    /// 0x03 ack          u32 seq                                                        (4 B)
    /// 0x04 nack         u32 seq                                                        (4 B)
    /// 0x05 record       NodeID | u64 incarnation | u8 state (0 alive, 1 left)
    ///                   | u8 address length | address | u16 metadata length | metadata
    ///                   | 64B Ed25519 signature                                        (116 B + a + m)
    /// 0x06 suspect      NodeID node | u64 incarnation | NodeID from                    (88 B)
    /// 0x07 dead         NodeID node | u64 incarnation | NodeID from                    (88 B)
    /// ```
    /// A body's length must match its content exactly; unknown types, unknown flag bits, trailing bytes,
    /// addresses over 64 B, metadata over 512 B and packets over ``maxPacketByteCount`` are rejected.
    ///
    /// **Push-pull state** (a stream message):
    /// ```
    /// u8 version = 1 | u8 flags (bit 0: join) | 40B sender NodeID | u32 entry count
    /// count × { u8 type (0x05 record, 0x06 suspect, 0x07 dead) | u16 body length | body }
    /// ```
    /// bounded by ``maxPushPullEntries`` and ``maxPushPullByteCount``.
    public enum WireCodec {
        /// The format version byte.
        public static let version: UInt8 = 1
        /// The largest plaintext packet (the datagram budget; security overhead comes out of it).
        public static let maxPacketByteCount = 1400
        /// The most messages in one packet.
        public static let maxMessagesPerPacket = 255
        /// Bytes of the packet header (version, sender, count).
        public static let packetHeaderByteCount = 2 + NodeID.encodedByteCount
        /// Bytes added per message (type, length).
        public static let messageOverheadByteCount = 3
        /// The most entries in a push-pull state.
        public static let maxPushPullEntries = 65_536
        /// The largest encoded push-pull state (16 MiB).
        public static let maxPushPullByteCount = 16 << 20

        enum Tag: UInt8 {
            case ping = 1
            case pingRequest = 2
            case ack = 3
            case nack = 4
            case record = 5
            case suspect = 6
            case dead = 7
        }

        // MARK: - Sizes

        /// The encoded size of a message's body (without its 3-byte type and length).
        public static func bodySize(of message: Message) -> Int {
            switch message {
            case .ping: return 44
            case .pingRequest(_, _, let address, _): return 46 + address.bytes.count
            case .ack, .nack: return 4
            case .record(let r): return recordSize(r)
            case .suspect, .dead: return 88
            }
        }

        /// The encoded size of a message inside a packet (body plus 3 bytes).
        public static func encodedSize(of message: Message) -> Int {
            bodySize(of: message) + messageOverheadByteCount
        }

        static func recordSize(_ r: MemberRecord) -> Int {
            116 + r.address.bytes.count + r.metadata.count
        }

        // MARK: - Packets

        /// Encodes a packet.
        /// - Throws: ``ShoalError`` `.limitExceeded` when it is empty, has too many messages, or is larger than
        ///   ``maxPacketByteCount``.
        public static func encode(_ packet: Packet) throws -> [UInt8] {
            guard !packet.messages.isEmpty, packet.messages.count <= maxMessagesPerPacket else {
                throw ShoalError(
                    .limitExceeded,
                    "SWIM packet must carry 1...255 messages, has \(packet.messages.count)"
                )
            }
            var w = ByteWriter(capacity: 256)
            w.append(version)
            w.append(packet.sender)
            w.append(UInt8(packet.messages.count))
            for m in packet.messages { encodeMessage(m, into: &w) }
            guard w.bytes.count <= maxPacketByteCount else {
                throw ShoalError(
                    .limitExceeded,
                    "SWIM packet of \(w.bytes.count) bytes exceeds \(maxPacketByteCount)"
                )
            }
            return w.bytes
        }

        /// Decodes a packet.
        /// - Throws: ``ShoalError`` `.malformedInput` for truncated or invalid bytes, `.limitExceeded` when over
        ///   the size bound.
        public static func decode(_ bytes: [UInt8]) throws -> Packet {
            guard bytes.count <= maxPacketByteCount else {
                throw ShoalError(.limitExceeded, "SWIM packet of \(bytes.count) bytes exceeds \(maxPacketByteCount)")
            }
            var r = ByteReader(bytes)
            let v = try r.u8("packet version")
            guard v == version else { throw ShoalError(.malformedInput, "SWIM packet version \(v) is not 1") }
            let sender = try r.node("packet sender")
            let count = Int(try r.u8("message count"))
            guard count > 0 else { throw ShoalError(.malformedInput, "SWIM packet with no messages") }
            var messages: [Message] = []
            messages.reserveCapacity(count)
            for _ in 0..<count {
                var (tag, body) = try readFrame(&r)
                messages.append(try decodeMessage(tag: tag, &body.reader))
            }
            guard r.remaining == 0 else {
                throw ShoalError(.malformedInput, "SWIM packet has \(r.remaining) trailing bytes")
            }
            return Packet(sender: sender, messages: messages)
        }

        // MARK: - Push-pull

        /// Encodes a push-pull state.
        /// - Throws: ``ShoalError`` `.limitExceeded` when over the entry or byte bound.
        public static func encode(_ state: PushPullState) throws -> [UInt8] {
            guard state.entries.count <= maxPushPullEntries else {
                throw ShoalError(.limitExceeded, "SWIM push-pull of \(state.entries.count) entries exceeds bound")
            }
            var w = ByteWriter(capacity: 48 + state.entries.count * 140)
            w.append(version)
            w.append(UInt8(state.join ? 1 : 0))
            w.append(state.sender)
            w.append(UInt32(state.entries.count))
            for e in state.entries {
                switch e {
                case .record(let rec): encodeMessage(.record(rec), into: &w)
                case .suspect(let c): encodeMessage(.suspect(c), into: &w)
                case .dead(let c): encodeMessage(.dead(c), into: &w)
                }
            }
            guard w.bytes.count <= maxPushPullByteCount else {
                throw ShoalError(.limitExceeded, "SWIM push-pull of \(w.bytes.count) bytes exceeds bound")
            }
            return w.bytes
        }

        /// Decodes a push-pull state.
        /// - Throws: ``ShoalError`` `.malformedInput` or `.limitExceeded`.
        public static func decodePushPull(_ bytes: [UInt8]) throws -> PushPullState {
            guard bytes.count <= maxPushPullByteCount else {
                throw ShoalError(.limitExceeded, "SWIM push-pull of \(bytes.count) bytes exceeds bound")
            }
            var r = ByteReader(bytes)
            let v = try r.u8("push-pull version")
            guard v == version else { throw ShoalError(.malformedInput, "SWIM push-pull version \(v) is not 1") }
            let flags = try r.u8("push-pull flags")
            guard flags & ~1 == 0 else { throw ShoalError(.malformedInput, "SWIM push-pull flags \(flags)") }
            let sender = try r.node("push-pull sender")
            let count = Int(try r.u32("push-pull count"))
            guard count <= maxPushPullEntries else {
                throw ShoalError(.limitExceeded, "SWIM push-pull declares \(count) entries, over the bound")
            }
            var entries: [PushPullState.Entry] = []
            entries.reserveCapacity(min(count, r.remaining / 91))
            for _ in 0..<count {
                var (tag, body) = try readFrame(&r)
                switch try decodeMessage(tag: tag, &body.reader) {
                case .record(let rec): entries.append(.record(rec))
                case .suspect(let c): entries.append(.suspect(c))
                case .dead(let c): entries.append(.dead(c))
                default: throw ShoalError(.malformedInput, "SWIM push-pull entry of type \(tag) not allowed")
                }
            }
            guard r.remaining == 0 else {
                throw ShoalError(.malformedInput, "SWIM push-pull has \(r.remaining) trailing bytes")
            }
            return PushPullState(sender: sender, join: flags & 1 == 1, entries: entries)
        }

        // MARK: - Message bodies

        static func encodeMessage(_ m: Message, into w: inout ByteWriter) {
            let size = bodySize(of: m)
            switch m {
            case .ping(let seq, let target):
                w.append(Tag.ping.rawValue)
                w.append(UInt16(size))
                w.append(seq)
                w.append(target)
            case .pingRequest(let seq, let target, let address, let wantsNack):
                w.append(Tag.pingRequest.rawValue)
                w.append(UInt16(size))
                w.append(seq)
                w.append(target)
                w.append(UInt8(wantsNack ? 1 : 0))
                w.append(UInt8(address.bytes.count))
                w.append(address.bytes)
            case .ack(let seq):
                w.append(Tag.ack.rawValue)
                w.append(UInt16(size))
                w.append(seq)
            case .nack(let seq):
                w.append(Tag.nack.rawValue)
                w.append(UInt16(size))
                w.append(seq)
            case .record(let r):
                w.append(Tag.record.rawValue)
                w.append(UInt16(size))
                w.append(r.node)
                w.append(r.incarnation)
                w.append(r.state.rawValue)
                w.append(UInt8(r.address.bytes.count))
                w.append(r.address.bytes)
                w.append(UInt16(r.metadata.count))
                w.append(r.metadata)
                w.append(r.signature)
            case .suspect(let c), .dead(let c):
                if case .suspect = m { w.append(Tag.suspect.rawValue) } else { w.append(Tag.dead.rawValue) }
                w.append(UInt16(size))
                w.append(c.node)
                w.append(c.incarnation)
                w.append(c.from)
            }
        }

        struct Body { var reader: ByteReader }

        static func readFrame(_ r: inout ByteReader) throws -> (UInt8, Body) {
            let tag = try r.u8("message type")
            let length = Int(try r.u16("message length"))
            try r.need(length, "message body")
            let body = Body(reader: ByteReader(r.bytes, from: r.index, to: r.index + length))
            r.index += length
            return (tag, body)
        }

        static func decodeMessage(tag: UInt8, _ r: inout ByteReader) throws -> Message {
            guard let kind = Tag(rawValue: tag) else {
                throw ShoalError(.malformedInput, "SWIM message type \(tag) is unknown")
            }
            let message: Message
            switch kind {
            case .ping:
                message = .ping(sequence: try r.u32("ping seq"), target: try r.node("ping target"))
            case .pingRequest:
                let seq = try r.u32("ping-req seq")
                let target = try r.node("ping-req target")
                let flags = try r.u8("ping-req flags")
                guard flags & ~1 == 0 else { throw ShoalError(.malformedInput, "SWIM ping-req flags \(flags)") }
                let address = try readAddress(&r)
                message = .pingRequest(sequence: seq, target: target, targetAddress: address, wantsNack: flags == 1)
            case .ack:
                message = .ack(sequence: try r.u32("ack seq"))
            case .nack:
                message = .nack(sequence: try r.u32("nack seq"))
            case .record:
                let node = try r.node("record node")
                let inc = try r.u64("record incarnation")
                let rawState = try r.u8("record state")
                guard let state = MemberRecord.State(rawValue: rawState) else {
                    throw ShoalError(.malformedInput, "SWIM record state \(rawState) is unknown")
                }
                let address = try readAddress(&r)
                let metaLength = Int(try r.u16("metadata length"))
                guard metaLength <= MemberRecord.maxMetadataByteCount else {
                    throw ShoalError(.limitExceeded, "SWIM metadata of \(metaLength) bytes exceeds 512")
                }
                let meta = try r.take(metaLength, "metadata")
                let sig = try r.take(MemberRecord.signatureByteCount, "record signature")
                message = .record(
                    MemberRecord(
                        node: node,
                        incarnation: inc,
                        state: state,
                        address: address,
                        metadata: meta,
                        signature: sig
                    )
                )
            case .suspect, .dead:
                let claim = Claim(
                    node: try r.node("claim node"),
                    incarnation: try r.u64("claim incarnation"),
                    from: try r.node("claim from")
                )
                message = kind == .suspect ? .suspect(claim) : .dead(claim)
            }
            guard r.remaining == 0 else {
                throw ShoalError(.malformedInput, "SWIM message type \(tag) has \(r.remaining) extra bytes")
            }
            return message
        }

        static func readAddress(_ r: inout ByteReader) throws -> Address {
            let length = Int(try r.u8("address length"))
            guard length <= Address.maxByteCount else {
                throw ShoalError(.limitExceeded, "SWIM address of \(length) bytes exceeds \(Address.maxByteCount)")
            }
            return Address(unchecked: try r.take(length, "address"))
        }
    }
}
