import Foundation
public import ShoalMultiformats
import SwiftProtobuf

/// A signed peer record (libp2p RFC 0002 signed envelope around an RFC 0003 routing record): a peer's own,
/// signed statement of its addresses, carried in identify's `signedPeerRecord` field.
public struct SignedPeerRecord: Sendable, Hashable {
    /// The envelope's signature domain for peer records.
    public static let domain = "libp2p-peer-record"
    /// The envelope's payload type: multicodec `libp2p-peer-record` (0x0301) as a uvarint.
    public static let payloadType: [UInt8] = [0x03, 0x01]
    /// The largest envelope accepted.
    public static let maximumSize = 8192

    /// The peer the record is about (and that signed it).
    public let peer: PeerID
    /// A sequence number; a newer record has a larger one.
    public let sequence: UInt64
    /// The addresses the peer says it can be reached at.
    public let addresses: [Multiaddr]
    /// The serialized envelope, as sent.
    public let envelopeBytes: [UInt8]

    /// Makes and signs a record.
    /// - Parameters:
    ///   - key: the peer's identity key (signs the envelope).
    ///   - addresses: the addresses to announce.
    ///   - sequence: a number larger than any earlier record's (Unix time in nanoseconds is the usual choice).
    public init(key: PrivateKey, addresses: [Multiaddr], sequence: UInt64) {
        var record = Shoal_Record_PeerRecord()
        record.peerID = Data(key.peerID.bytes)
        record.seq = sequence
        record.addresses = addresses.map {
            var info = Shoal_Record_PeerRecord.AddressInfo()
            info.multiaddr = Data($0.bytes)
            return info
        }
        let payload: [UInt8] = (try? record.serializedBytes()) ?? []
        let signature = key.sign(Self.signedBytes(payload: payload))
        var envelope = Shoal_Record_Envelope()
        envelope.publicKey = Data(key.publicKey.protobufBytes)
        envelope.payloadType = Data(Self.payloadType)
        envelope.payload = Data(payload)
        envelope.signature = Data(signature)
        self.peer = key.peerID
        self.sequence = sequence
        self.addresses = addresses
        self.envelopeBytes = (try? envelope.serializedBytes()) ?? []
    }

    /// Decodes and verifies an envelope.
    /// - Throws: ``ShoalError`` with code `malformedInput` (bad encoding, wrong payload type, too large),
    ///   `invalidSignature`, or `invalidPeerID` (the record names another peer than the signer).
    public init(envelopeBytes bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumSize else {
            throw ShoalError(.malformedInput, "signed envelope of \(bytes.count) bytes is over \(Self.maximumSize)")
        }
        let envelope: Shoal_Record_Envelope
        let record: Shoal_Record_PeerRecord
        do {
            envelope = try Shoal_Record_Envelope(serializedBytes: bytes)
        } catch {
            throw ShoalError(.malformedInput, "signed envelope does not decode", cause: error)
        }
        guard Array(envelope.payloadType) == Self.payloadType else {
            throw ShoalError(.malformedInput, "envelope payload type is not libp2p-peer-record")
        }
        let publicKey = try PublicKey(protobufBytes: Array(envelope.publicKey))
        let payload = Array(envelope.payload)
        guard try publicKey.isValidSignature(Array(envelope.signature), for: Self.signedBytes(payload: payload)) else {
            throw ShoalError(.invalidSignature, "peer record signature does not verify")
        }
        do { record = try Shoal_Record_PeerRecord(serializedBytes: payload) } catch {
            throw ShoalError(.malformedInput, "peer record does not decode", cause: error)
        }
        let peer = try PeerID(bytes: Array(record.peerID))
        guard peer.matches(publicKey) else {
            throw ShoalError(.invalidPeerID, "peer record names \(peer) but is signed by another key")
        }
        var addresses: [Multiaddr] = []
        for info in record.addresses.prefix(64) {
            if let address = try? Multiaddr(bytes: Array(info.multiaddr)) { addresses.append(address) }
        }
        self.peer = peer
        self.sequence = record.seq
        self.addresses = addresses
        self.envelopeBytes = bytes
    }

    /// The bytes the envelope signature covers.
    static func signedBytes(payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for field in [Array(domain.utf8), payloadType, payload] {
            out += UVarint.encode(UInt64(field.count))
            out += field
        }
        return out
    }
}
