import Foundation
import ShoalCore
import SwiftProtobuf

/// Encodes and decodes ``KadMessage``s: the protobuf body and the `uvarint(length) || body` frame.
///
/// Bounds (named, configurable): the body size (4 MiB by default, go's `network.MessageSizeMax`; rust's default is
/// 16 KiB, so keep replies small) and the key length. Unknown fields are skipped. Peer entries whose `id` is not a
/// well-formed peer ID are dropped (as rust and go do) rather than failing the whole message; their number is
/// reported by ``decodeCountingDroppedPeers(_:)``.
public struct KadMessageCodec: Sendable {
    /// The default largest message body accepted and produced: 4 MiB.
    public static let defaultMaximumMessageSize = 4 << 20
    /// The default longest `key` (and `record.key`) accepted: 1 KiB. Provider keys have their own, smaller limit
    /// (``KadServer/Configuration/maximumProviderKeyLength``, 80 bytes like go).
    public static let defaultMaximumKeyLength = 1024

    /// The largest message body, in bytes.
    public var maximumMessageSize: Int
    /// The longest `key` or `record.key`, in bytes.
    public var maximumKeyLength: Int

    /// A codec with the given limits.
    public init(
        maximumMessageSize: Int = KadMessageCodec.defaultMaximumMessageSize,
        maximumKeyLength: Int = KadMessageCodec.defaultMaximumKeyLength
    ) {
        precondition(maximumMessageSize > 0 && maximumKeyLength > 0, "codec limits must be positive")
        self.maximumMessageSize = maximumMessageSize
        self.maximumKeyLength = maximumKeyLength
    }

    // MARK: - Encoding

    /// The protobuf encoding of a message.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when the body would exceed ``maximumMessageSize`` or a
    ///   key exceeds ``maximumKeyLength``.
    public func encode(_ message: KadMessage) throws -> [UInt8] {
        try checkKeys(message)
        let body: [UInt8]
        do {
            body = try Self.protobuf(message).serializedBytes()
        } catch {
            throw ShoalError(.internalError, "Kademlia message does not serialize", cause: error)
        }
        guard body.count <= maximumMessageSize else {
            throw ShoalError(
                .limitExceeded,
                "Kademlia message of \(body.count) bytes exceeds the maximum of \(maximumMessageSize)"
            )
        }
        return body
    }

    /// The framed encoding: `uvarint(body length) || body`.
    /// - Throws: as ``encode(_:)``.
    public func encodeFrame(_ message: KadMessage) throws -> [UInt8] {
        let body = try encode(message)
        var out = KadVarint.encode(UInt64(body.count))
        out.append(contentsOf: body)
        return out
    }

    // MARK: - Decoding

    /// Decodes a message body (without its length prefix).
    /// - Throws: ``ShoalError`` with code `limitExceeded` (body or key too long) or `malformedInput` (not a
    ///   `Message` protobuf).
    public func decode(_ body: [UInt8]) throws -> KadMessage {
        try decodeCountingDroppedPeers(body).message
    }

    /// Decodes a message body and reports how many peer entries were dropped for a malformed `id`.
    /// - Throws: as ``decode(_:)``.
    public func decodeCountingDroppedPeers(_ body: [UInt8]) throws -> (message: KadMessage, droppedPeers: Int) {
        guard body.count <= maximumMessageSize else {
            throw ShoalError(
                .limitExceeded,
                "Kademlia message of \(body.count) bytes exceeds the maximum of \(maximumMessageSize)"
            )
        }
        let decoded: Shoal_Kad_Message
        do {
            decoded = try Shoal_Kad_Message(serializedBytes: body)
        } catch {
            throw ShoalError(.malformedInput, "bytes are not a Kademlia Message protobuf", cause: error)
        }
        var dropped = 0
        func peers(_ list: [Shoal_Kad_Message.Peer]) -> [KadPeerInfo] {
            var out: [KadPeerInfo] = []
            out.reserveCapacity(list.count)
            for entry in list {
                guard let id = try? KadPeerID(bytes: Array(entry.id)) else {
                    dropped += 1
                    continue
                }
                let connection = KadConnectionType(rawValue: entry.connection.rawValue) ?? .notConnected
                out.append(KadPeerInfo(id: id, addresses: entry.addrs.map { Array($0) }, connection: connection))
            }
            return out
        }
        let message = KadMessage(
            type: KadMessageType(rawValue: decoded.type.rawValue),
            key: Array(decoded.key),
            record: decoded.hasRecord
                ? KadRecord(
                    key: Array(decoded.record.key),
                    value: Array(decoded.record.value),
                    timeReceived: decoded.record.timeReceived
                ) : nil,
            closerPeers: peers(decoded.closerPeers),
            providerPeers: peers(decoded.providerPeers),
            clusterLevelRaw: decoded.clusterLevelRaw
        )
        try checkKeys(message)
        return (message, dropped)
    }

    // MARK: - Helpers

    private func checkKeys(_ message: KadMessage) throws {
        guard message.key.count <= maximumKeyLength else {
            throw ShoalError(
                .limitExceeded,
                "Kademlia key of \(message.key.count) bytes exceeds the maximum of \(maximumKeyLength)"
            )
        }
        if let record = message.record, record.key.count > maximumKeyLength {
            throw ShoalError(
                .limitExceeded,
                "record key of \(record.key.count) bytes exceeds the maximum of \(maximumKeyLength)"
            )
        }
    }

    private static func protobuf(_ message: KadMessage) -> Shoal_Kad_Message {
        func peer(_ info: KadPeerInfo) -> Shoal_Kad_Message.Peer {
            var out = Shoal_Kad_Message.Peer()
            out.id = Data(info.id.bytes)
            out.addrs = info.addresses.map { Data($0) }
            out.connection = .init(rawValue: info.connection.rawValue) ?? .notConnected
            return out
        }
        var out = Shoal_Kad_Message()
        out.type = .init(rawValue: message.type.rawValue) ?? .UNRECOGNIZED(message.type.rawValue)
        out.key = Data(message.key)
        out.clusterLevelRaw = message.clusterLevelRaw
        if let record = message.record {
            var wire = Shoal_Kad_Record()
            wire.key = Data(record.key)
            wire.value = Data(record.value)
            wire.timeReceived = record.timeReceived
            out.record = wire
        }
        out.closerPeers = message.closerPeers.map(peer)
        out.providerPeers = message.providerPeers.map(peer)
        return out
    }
}
