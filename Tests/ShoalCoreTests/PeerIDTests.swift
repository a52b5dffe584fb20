import Foundation
import ShoalCore
import ShoalCrypto
import ShoalMultiformats
import Testing

@Suite("Keys and peer IDs (libp2p/specs peer-ids vectors)")
struct PeerIDTests {
    static let ed25519Private =
        "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    static let ed25519Public = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    static let secp256k1Public = "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99"
    static let ecdsaPublic =
        "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62"

    @Test("the Ed25519 spec vector: private key, public key, peer ID in both text forms")
    func ed25519Vector() throws {
        let key = try PrivateKey(protobufBytes: [UInt8](hex: Self.ed25519Private))
        #expect(key.publicKey.protobufBytes.hex == Self.ed25519Public)
        #expect(key.protobufBytes.bytes.hex == Self.ed25519Private)
        let id = key.peerID
        #expect(id.bytes.hex == "0024" + Self.ed25519Public)
        #expect(id.base58 == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(id.cidString == "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6")
        #expect(try PeerID(parsing: id.cidString) == id)
        #expect(try PeerID(parsing: id.base58) == id)
        #expect(id.inlinedPublicKey == key.publicKey)
        #expect(id.inlinedPublicKey?.data.hex == "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")
    }

    @Test("secp256k1 (identity multihash) and ECDSA (sha2-256) spec vectors")
    func otherKeyTypes() throws {
        let secp = try PublicKey(protobufBytes: [UInt8](hex: Self.secp256k1Public))
        #expect(secp.type == .secp256k1)
        #expect(PeerID(publicKey: secp).base58 == "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY")
        let ecdsa = try PublicKey(protobufBytes: [UInt8](hex: Self.ecdsaPublic))
        #expect(ecdsa.type == .ecdsa)
        let id = PeerID(publicKey: ecdsa)
        #expect(id.base58 == "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk")
        #expect(id.inlinedPublicKey == nil)
        #expect(id.matches(ecdsa))
        #expect(throws: ShoalError.self) { _ = try ecdsa.isValidSignature([1], for: [UInt8]()) }
    }

    @Test("the spec's Qm… and bafz… examples are the same peer")
    func specTextExample() throws {
        let legacy = try PeerID(parsing: "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
        let cid = try PeerID(parsing: "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe")
        #expect(legacy == cid)
    }

    @Test("bad peer IDs are typed errors")
    func badPeerIDs() {
        for text in [
            "", "12D3KooW", "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pl",
            "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx50",
            // A CID with the raw codec, not libp2p-key.
            "bafkreie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
            String(repeating: "1", count: 600),
        ] {
            #expect(throws: ShoalError.self, "\(text)") { try PeerID(parsing: text) }
        }
        #expect(throws: ShoalError.self) { try PeerID(bytes: [0x00, 0x03, 0x08, 0x01, 0x12]) }
        #expect(throws: ShoalError.self) { try PeerID(bytes: [0x12, 0x10] + [UInt8](repeating: 1, count: 16)) }
        #expect(throws: ShoalError.self) { try PeerID(bytes: [0x13, 0x20] + [UInt8](repeating: 1, count: 32)) }
    }

    @Test("key protobuf rejects bad input: wrong sizes, bad types, legacy mismatch")
    func badKeys() throws {
        #expect(throws: ShoalError.self) { try PublicKey(protobufBytes: [0x08, 0x01, 0x12, 0x02, 0x01, 0x02]) }
        #expect(throws: ShoalError.self) { try PublicKey(protobufBytes: [0x08, 0x09, 0x12, 0x01, 0x01]) }
        #expect(throws: ShoalError.self) { try PublicKey(protobufBytes: [0xff, 0xff]) }
        #expect(throws: ShoalError.self) { try PublicKey(protobufBytes: [UInt8](repeating: 0x0a, count: 5000)) }
        // The legacy 96-byte form is accepted when both public copies match.
        let spec = [UInt8](hex: Self.ed25519Private)
        let data = Array(spec[4...])
        var legacy: [UInt8] = [0x08, 0x01, 0x12, 0x60] + data + Array(data[32...])
        #expect(
            try PrivateKey(protobufBytes: legacy).peerID.base58
                == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
        )
        legacy[legacy.count - 1] ^= 1
        #expect(throws: ShoalError.self) { try PrivateKey(protobufBytes: legacy) }
        var mismatched = spec
        mismatched[mismatched.count - 1] ^= 1
        #expect(throws: ShoalError.self) { try PrivateKey(protobufBytes: mismatched) }
        #expect(throws: ShoalError.self) { try PrivateKey(protobufBytes: [0x08, 0x02, 0x12, 0x01, 0x00]) }
    }

    @Test("signatures verify with the public key and fail when tampered")
    func signatures() throws {
        let key = PrivateKey()
        let message = Array("hello".utf8)
        var signature = key.sign(message)
        #expect(try key.publicKey.isValidSignature(signature, for: message))
        signature[0] ^= 0x80
        #expect(try !key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.description.contains(key.protobufBytes.bytes.hex))
    }

    @Test("key files are written with mode 0600 and read back")
    func keyFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-keytest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("node.key").path
        let key = PrivateKey()
        try KeyFile.write(key, to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try KeyFile.read(from: path).peerID == key.peerID)
        // Overwriting replaces the key atomically.
        let other = PrivateKey()
        try KeyFile.write(other, to: path)
        #expect(try KeyFile.read(from: path).peerID == other.peerID)
        // Garbage and missing files are typed errors.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ShoalError.self) { try KeyFile.read(from: path) }
        #expect(throws: ShoalError.self) { try KeyFile.read(from: dir.appendingPathComponent("missing").path) }
        try Data(count: 9000).write(to: URL(fileURLWithPath: path))
        #expect(throws: ShoalError.self) { try KeyFile.read(from: path) }
    }

    @Test("signed peer records round trip and reject forgeries")
    func signedPeerRecord() throws {
        let key = PrivateKey()
        let addresses = [try Multiaddr("/ip4/127.0.0.1/tcp/4001"), try Multiaddr("/ip6/::1/tcp/4002")]
        let record = SignedPeerRecord(key: key, addresses: addresses, sequence: 42)
        let decoded = try SignedPeerRecord(envelopeBytes: record.envelopeBytes)
        #expect(decoded.peer == key.peerID)
        #expect(decoded.addresses == addresses)
        #expect(decoded.sequence == 42)
        var tampered = record.envelopeBytes
        tampered[tampered.count - 3] ^= 0x01
        #expect(throws: ShoalError.self) { try SignedPeerRecord(envelopeBytes: tampered) }
        #expect(throws: ShoalError.self) { try SignedPeerRecord(envelopeBytes: [0x0a, 0x05, 0x01]) }
    }
}
