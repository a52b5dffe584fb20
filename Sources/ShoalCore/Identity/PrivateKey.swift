import Foundation
public import ShoalCrypto
import SwiftProtobuf

/// A libp2p private identity key. Shoal signs with Ed25519 only.
///
/// The secret bytes live in ``SecureBytes`` and are wiped when released. `description` never shows them.
public struct PrivateKey: Sendable, CustomStringConvertible {
    private let ed25519: Ed25519.PrivateKey

    /// A new random Ed25519 key.
    public init() { ed25519 = Ed25519.PrivateKey() }

    /// The Ed25519 key derived from a 32-byte seed.
    /// - Throws: ``ShoalError`` with code `invalidKey` if the seed is not 32 bytes.
    public init(ed25519Seed seed: [UInt8]) throws {
        do { ed25519 = try Ed25519.PrivateKey(seed: seed) } catch {
            throw ShoalError(.invalidKey, "Ed25519 seed must be 32 bytes, got \(seed.count)", cause: error)
        }
    }

    /// Decodes the `PrivateKey` protobuf (Ed25519: 64-byte `seed || public`, or the legacy 96-byte form).
    /// - Throws: ``ShoalError`` with code `malformedInput`, `invalidKey` or `unsupported`.
    public init(protobufBytes bytes: [UInt8]) throws {
        guard bytes.count <= 4096 else {
            throw ShoalError(.malformedInput, "private key protobuf of \(bytes.count) bytes is too long")
        }
        let message: Shoal_Keys_PrivateKey
        do { message = try Shoal_Keys_PrivateKey(serializedBytes: bytes) } catch {
            throw ShoalError(.malformedInput, "private key protobuf does not decode", cause: error)
        }
        guard message.type == .ed25519 else {
            throw ShoalError(
                .unsupported,
                "only Ed25519 private keys are supported, got \(KeyType(rawValue: message.type.rawValue))"
            )
        }
        var data = Array(message.data)
        defer { for i in data.indices { data[i] = 0 } }
        let embeddedPublic: ArraySlice<UInt8>
        switch data.count {
        case 64:
            embeddedPublic = data[32..<64]
        case 96:
            guard data[32..<64] == data[64..<96] else {
                throw ShoalError(.invalidKey, "legacy 96-byte Ed25519 key has two different public keys")
            }
            embeddedPublic = data[32..<64]
        default:
            throw ShoalError(.invalidKey, "Ed25519 private key data must be 64 bytes, got \(data.count)")
        }
        let key = try Self(ed25519Seed: Array(data[0..<32]))
        guard key.ed25519.publicKey.rawRepresentation == Array(embeddedPublic) else {
            throw ShoalError(.invalidKey, "Ed25519 private key does not match its embedded public key")
        }
        self = key
    }

    /// The key type (always Ed25519 today).
    public var type: KeyType { .ed25519 }

    /// The matching public key.
    public var publicKey: PublicKey { PublicKey(ed25519: ed25519.publicKey) }

    /// The underlying Ed25519 key, for Shoal modules that sign with it directly (SWIM member records).
    package var ed25519Key: Ed25519.PrivateKey { ed25519 }

    /// Signs `message`.
    public func sign(_ message: some ContiguousByteSource) -> [UInt8] { ed25519.signature(for: message) }

    /// The `PrivateKey` protobuf (key files). Contains the secret: write it only to a file with mode 0600.
    public var protobufBytes: SecureBytes {
        ed25519.expandedRepresentation.withUnsafeBytes { secret in
            var out = KeyProtobuf.encode(type: .ed25519, data: secret)
            defer { for i in out.indices { out[i] = 0 } }
            return SecureBytes(out)
        }
    }

    public var description: String { "PrivateKey(\(type))" }
}
