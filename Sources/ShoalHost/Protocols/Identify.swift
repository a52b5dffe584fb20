import Foundation
import Logging
public import ShoalCore
public import ShoalMultiformats
import ShoalTransport
import SwiftProtobuf
import Synchronization

/// What identify tells about a peer.
public struct IdentifyInfo: Sendable, Hashable {
    /// The peer.
    public var peer: PeerID
    /// Its identity key, when sent.
    public var publicKey: PublicKey?
    /// `agentVersion`, e.g. `go-libp2p/0.40.0`.
    public var agentVersion: String
    /// `protocolVersion`, e.g. `ipfs/0.1.0`.
    public var protocolVersion: String
    /// The protocols it serves.
    public var protocols: [String]
    /// The addresses it listens on.
    public var listenAddresses: [Multiaddr]
    /// Our address as the peer sees it.
    public var observedAddress: Multiaddr?
    /// Its signed peer record, when sent and valid.
    public var signedPeerRecord: SignedPeerRecord?
}

/// The identify protocol (`/ipfs/id/1.0.0`) and identify push (`/ipfs/id/push/1.0.0`).
enum Identify {
    static let protocolID = "/ipfs/id/1.0.0"
    static let pushProtocolID = "/ipfs/id/push/1.0.0"
    /// Each message may be this long (go reads 8 KiB per message).
    static let maximumMessageLength = 8192
    /// Messages read per exchange (go sends up to two).
    static let maximumMessages = 10
    /// The protobuf key of `observedAddr` (field 4, length-delimited).
    static let observedAddressTag: UInt8 = 4 << 3 | 2
    /// The most verified signed peer records remembered (to skip verifying the same envelope again).
    static let maximumVerifiedRecords = 1024
}

extension P2PHost {
    /// The identify message this host sends to a peer seen at `observed`.
    ///
    /// Everything but the observed address is the same for every peer: it is serialized once per set of listen
    /// addresses and protocols and cached; the observed address is appended as its own field (protobuf fields may
    /// come in any order).
    func identifyMessage(observed: Multiaddr?) -> [UInt8] {
        let addresses = listenAddresses
        let protocols = registry.announcedProtocolIDs
        let cached = state.withLock { s in
            s.identifyMessage.flatMap { $0.addresses == addresses && $0.protocols == protocols ? $0.bytes : nil }
        }
        var bytes: [UInt8]
        if let cached {
            bytes = cached
        } else {
            var message = Shoal_Identify_Identify()
            message.protocolVersion = configuration.protocolVersion
            message.agentVersion = configuration.agentVersion
            message.publicKey = Data(configuration.identity.publicKey.protobufBytes)
            message.listenAddrs = addresses.map { Data($0.bytes) }
            message.protocols = protocols
            message.signedPeerRecord = Data(signedRecord(for: addresses))
            bytes = (try? message.serializedBytes()) ?? []
            let built = bytes
            state.withLock { $0.identifyMessage = (addresses, protocols, built) }
        }
        if let observed {
            let field = observed.bytes
            bytes.append(Identify.observedAddressTag)
            bytes += UVarint.encode(UInt64(field.count))
            bytes += field
        }
        return bytes
    }

    /// Our signed peer record for `addresses`, signed once per address set (not once per identify).
    func signedRecord(for addresses: [Multiaddr]) -> [UInt8] {
        if let cached = state.withLock({ s in s.signedRecord.flatMap { $0.addresses == addresses ? $0.envelope : nil } }
        ) {
            return cached
        }
        let sequence = UInt64((ContinuousClock.now - startedAt).nanosecondsSince1970Estimate)
        let envelope = SignedPeerRecord(key: configuration.identity, addresses: addresses, sequence: sequence)
            .envelopeBytes
        state.withLock { $0.signedRecord = (addresses, envelope) }
        return envelope
    }

    func registerIdentify() {
        registry.register(
            Identify.protocolID,
            options: ProtocolOptions(maximumInboundStreamsPerPeer: 8),
            onConnectionLoop: true
        ) { stream in
            try await stream.writeMessage(self.identifyMessage(observed: stream.connection.remoteAddress))
        }
        registry.register(
            Identify.pushProtocolID,
            options: ProtocolOptions(maximumInboundStreamsPerPeer: 4),
            onConnectionLoop: true
        ) { stream in
            let info = try await self.readIdentify(from: stream, peer: stream.remotePeer)
            self.apply(info, push: true)
        }
    }

    /// Runs identify on a new connection and records what the peer says.
    func identify(_ connection: MuxedConnection) async {
        do {
            // The negotiation has its own deadline; the exchange has 15 s.
            let stream = try await openStream(on: connection, protocols: [Identify.protocolID])
            defer { stream.closeWrite() }
            let info = try await withStreamDeadline(.seconds(15), on: connection, stream.streamID, "identify") {
                try await readIdentify(from: stream, peer: connection.remotePeer)
            }
            apply(info, push: false)
        } catch {
            logger.debug("identify failed", metadata: ["peer.id": "\(connection.remotePeer)", "error": "\(error)"])
        }
    }

    /// Asks `peer` who it is (over the open connection, or after connecting).
    /// - Returns: what the peer said.
    public func identify(_ peer: PeerID) async throws -> IdentifyInfo {
        let stream = try await newStream(to: peer, protocols: [Identify.protocolID])
        defer { stream.closeWrite() }
        let info = try await readIdentify(from: stream, peer: peer)
        apply(info, push: false)
        return info
    }

    /// Reads identify messages until the peer closes, and merges them (repeated fields add up).
    ///
    /// The stream is read in bulk (a message usually arrives in one read) and split into its length-prefixed
    /// messages here, each bounded by ``Identify/maximumMessageLength``, at most ``Identify/maximumMessages``.
    func readIdentify(from stream: ShoalStream, peer: PeerID) async throws -> IdentifyInfo {
        let all = try await stream.readToEnd(maximum: Identify.maximumMessages * (Identify.maximumMessageLength + 2))
        var merged = Shoal_Identify_Identify()
        var count = 0
        var offset = 0
        while offset < all.count {
            let prefix: (value: UInt64, bytesConsumed: Int)?
            do { prefix = try UVarint.decode(all[offset...].prefix(9)) } catch {
                throw ShoalError(.malformedInput, "bad identify length prefix: \(error.message)", cause: error)
            }
            guard let prefix else {
                if all.count - offset >= 9 {
                    throw ShoalError(.malformedInput, "identify length prefix is longer than 9 bytes")
                }
                throw ShoalError(.closed, "stream ended inside a length prefix")
            }
            guard prefix.value <= UInt64(Identify.maximumMessageLength) else {
                throw ShoalError(
                    .limitExceeded,
                    "message of \(prefix.value) bytes is over the \(Identify.maximumMessageLength)-byte limit"
                )
            }
            let start = offset + prefix.bytesConsumed
            let end = start + Int(prefix.value)
            guard end <= all.count else {
                throw ShoalError(.closed, "stream ended after \(all.count - start) of \(prefix.value) bytes")
            }
            count += 1
            guard count <= Identify.maximumMessages else {
                throw ShoalError(.limitExceeded, "identify sent more than \(Identify.maximumMessages) messages")
            }
            do { try merged.merge(serializedBytes: Array(all[start..<end])) } catch {
                throw ShoalError(.malformedInput, "identify message does not decode", cause: error)
            }
            offset = end
        }
        var info = IdentifyInfo(
            peer: peer,
            publicKey: nil,
            agentVersion: merged.agentVersion,
            protocolVersion: merged.protocolVersion,
            protocols: Array(merged.protocols.prefix(PeerStore.maximumProtocols)),
            listenAddresses: merged.listenAddrs.prefix(PeerStore.maximumAddresses).compactMap {
                try? Multiaddr(bytes: Array($0))
            },
            observedAddress: merged.hasObservedAddr ? try? Multiaddr(bytes: Array(merged.observedAddr)) : nil,
            signedPeerRecord: nil
        )
        if merged.hasPublicKey {
            let key = try PublicKey(protobufBytes: Array(merged.publicKey))
            guard peer.matches(key) else {
                throw ShoalError(.invalidPeerID, "identify from \(peer) carries another peer's key")
            }
            info.publicKey = key
        }
        if merged.hasSignedPeerRecord, let record = verifiedRecord(Array(merged.signedPeerRecord), from: peer) {
            info.signedPeerRecord = record
        }
        return info
    }

    /// The signed peer record in `envelope` if it is valid and `peer`'s. The same envelope received again (every
    /// identify of a peer whose addresses did not change) is not verified again.
    func verifiedRecord(_ envelope: [UInt8], from peer: PeerID) -> SignedPeerRecord? {
        if let known = state.withLock({ $0.verifiedRecords[peer] }), known.envelopeBytes == envelope {
            return known
        }
        guard let record = try? SignedPeerRecord(envelopeBytes: envelope), record.peer == peer else { return nil }
        state.withLock { s in
            if s.verifiedRecords.count >= Identify.maximumVerifiedRecords { s.verifiedRecords.removeAll() }
            s.verifiedRecords[peer] = record
        }
        return record
    }

    func apply(_ info: IdentifyInfo, push: Bool) {
        // `readIdentify` checked the key against the peer's ID.
        peerStore.applyIdentify(
            info.peer,
            key: info.publicKey,
            protocols: info.protocols,
            keepProtocols: info.protocols.isEmpty && push,
            agent: info.agentVersion.isEmpty ? nil : info.agentVersion,
            protocolVersion: info.protocolVersion.isEmpty ? nil : info.protocolVersion,
            record: info.signedPeerRecord,
            listenAddresses: info.listenAddresses
        )
        emit(
            .identified(
                peer: info.peer,
                agentVersion: info.agentVersion,
                protocols: info.protocols,
                listenAddresses: info.listenAddresses
            )
        )
    }

    /// Sends our current identify message to every connected peer (after the protocols changed).
    func pushIdentifyToAll() {
        let connections = state.withLock { s in s.connections.values.compactMap { $0.first } }
        for connection in connections {
            spawn { [self] in
                do {
                    try await withDeadline(.seconds(10)) {
                        let stream = try await self.openStream(on: connection, protocols: [Identify.pushProtocolID])
                        try await stream.writeMessage(self.identifyMessage(observed: connection.remoteAddress))
                        stream.closeWrite()
                    }
                } catch {
                    self.logger.debug("identify push failed", metadata: ["peer.id": "\(connection.remotePeer)"])
                }
            }
        }
    }
}

extension Duration {
    /// A sequence number for signed records that grows across restarts: wall-clock nanoseconds since 1970 when
    /// the host started, plus this duration.
    fileprivate var nanosecondsSince1970Estimate: Int64 {
        let (seconds, attoseconds) = components
        return HostClock.startNanosecondsSince1970 &+ seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

private enum HostClock {
    static let startNanosecondsSince1970: Int64 = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
}
