import Foundation
public import ShoalCrypto
import SwiftProtobuf

/// A libp2p public identity key: its type and its type-specific encoding.
///
/// Ed25519 keys verify signatures. secp256k1, ECDSA and RSA keys are decoded far enough to compute and compare
/// peer IDs (their `Data` is checked for its basic shape), but verifying with them reports ``ShoalError/Code/unsupported``.
public struct PublicKey: Hashable, Sendable {
    /// The largest `Data` accepted for any key type (an RSA-8192 PKIX key is about 1,050 bytes).
    public static let maximumDataLength = 2048

    /// The key type.
    public let type: KeyType
    /// The type-specific key bytes (raw 32 bytes for Ed25519, compressed point for secp256k1, DER otherwise).
    public let data: [UInt8]

    /// A key from its type and bytes, checked for shape.
    /// - Throws: ``ShoalError`` with code `invalidKey` when the bytes cannot be a key of that type.
    public init(type: KeyType, data: [UInt8]) throws {
        switch type {
        case .ed25519:
            guard data.count == 32 else {
                throw ShoalError(.invalidKey, "Ed25519 public key must be 32 bytes, got \(data.count)")
            }
        case .secp256k1:
            guard data.count == 33, data[0] == 0x02 || data[0] == 0x03 else {
                throw ShoalError(.invalidKey, "secp256k1 public key must be a 33-byte compressed point")
            }
        case .rsa, .ecdsa:
            guard !data.isEmpty, data.count <= Self.maximumDataLength, data[0] == 0x30 else {
                throw ShoalError(
                    .invalidKey,
                    "\(type) public key must be a DER SEQUENCE of at most \(Self.maximumDataLength) bytes"
                )
            }
        default:
            throw ShoalError(.invalidKey, "unknown key type \(type.rawValue)")
        }
        self.type = type
        self.data = data
    }

    /// An Ed25519 key.
    public init(ed25519 key: Ed25519.PublicKey) {
        self.type = .ed25519
        self.data = key.rawRepresentation
    }

    /// Decodes the `PublicKey` protobuf.
    /// - Throws: ``ShoalError`` with code `malformedInput` or `invalidKey`.
    public init(protobufBytes bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumDataLength + 16 else {
            throw ShoalError(.malformedInput, "public key protobuf of \(bytes.count) bytes is too long")
        }
        // The canonical encoding (every key a peer ID or handshake carries) is read directly; anything else goes
        // through the protobuf decoder, with its rules (field order, unknown fields, repeats).
        if let (type, data) = KeyProtobuf.decodeCanonical(bytes) {
            try self.init(type: type, data: data)
            return
        }
        let message: Shoal_Keys_PublicKey
        do {
            message = try Shoal_Keys_PublicKey(serializedBytes: bytes)
        } catch {
            throw ShoalError(.malformedInput, "public key protobuf does not decode", cause: error)
        }
        try self.init(type: KeyType(rawValue: message.type.rawValue), data: Array(message.data))
    }

    /// The deterministic `PublicKey` protobuf encoding (field 1 then field 2), the bytes a peer ID is made of.
    public var protobufBytes: [UInt8] { KeyProtobuf.encode(type: type, data: data) }

    /// Whether `signature` is this key's signature of `message`.
    /// - Throws: ``ShoalError`` with code `unsupported` for key types other than Ed25519.
    public func isValidSignature(_ signature: [UInt8], for message: some ContiguousByteSource) throws -> Bool {
        guard type == .ed25519 else {
            throw ShoalError(.unsupported, "verifying \(type) signatures is not supported")
        }
        return try Ed25519.PublicKey(rawRepresentation: data).isValidSignature(signature, for: message)
    }
}

/// The canonical two-field encoding shared by `PublicKey` and `PrivateKey` protobufs.
enum KeyProtobuf {
    static func encode(type: KeyType, data: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = [0x08]
        appendVarint(UInt64(type.rawValue), to: &out)
        out.append(0x12)
        appendVarint(UInt64(data.count), to: &out)
        out.append(contentsOf: data)
        return out
    }

    /// The type and data of `bytes` if they are exactly ``encode(type:data:)``'s output for one of the four known
    /// key types (one-byte type, minimal one- or two-byte length, nothing after the data); nil otherwise.
    static func decodeCanonical(_ bytes: [UInt8]) -> (KeyType, [UInt8])? {
        guard bytes.count >= 4, bytes[0] == 0x08, bytes[1] <= 3, bytes[2] == 0x12 else { return nil }
        var length = Int(bytes[3])
        var start = 4
        if length >= 0x80 {
            guard bytes.count >= 5, bytes[4] != 0, bytes[4] < 0x80 else { return nil }
            length = (length & 0x7f) | Int(bytes[4]) << 7
            start = 5
        }
        guard bytes.count - start == length else { return nil }
        return (KeyType(rawValue: Int(bytes[1])), Array(bytes[start...]))
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
