/// A multihash: `uvarint(code) || uvarint(digest length) || digest`.
///
/// Peer IDs are multihashes (`identity` for Ed25519 keys, `sha2-256` for larger keys), and so is the last part of
/// every CID. Construction checks the digest length of known functions and caps every digest at
/// ``maximumDigestLength``, so every value can be encoded.
public struct Multihash: Hashable, Sendable, CustomStringConvertible {
    /// The largest digest accepted, in bytes (identity multihashes of large keys are the longest in practice).
    public static let maximumDigestLength = 128

    /// The hash function.
    public let code: Multicodec
    /// The digest bytes.
    public let digest: [UInt8]

    // MARK: - Creating

    /// Creates a multihash from a function code and a digest.
    /// - Throws: ``MultiformatsError`` `.invalidLength` when the digest is longer than ``maximumDigestLength`` or
    ///   does not have the fixed length of a known function (32 bytes for sha2-256).
    public init(code: Multicodec, digest: [UInt8]) throws(MultiformatsError) {
        guard digest.count <= Multihash.maximumDigestLength else {
            throw MultiformatsError(
                .invalidLength,
                "multihash digest of \(digest.count) bytes is above the maximum of \(Multihash.maximumDigestLength)"
            )
        }
        if let expected = Multihash.fixedDigestLengths[code.rawValue], digest.count != expected {
            throw MultiformatsError(
                .invalidLength,
                "\(code.name ?? "multihash") digest must be \(expected) bytes, got \(digest.count)"
            )
        }
        self.code = code
        self.digest = digest
    }

    /// Decodes a complete binary multihash; no bytes may follow it.
    /// - Throws: ``MultiformatsError`` `.truncated`, `.malformed` (trailing bytes), `.invalidLength`, or the varint
    ///   errors (`.nonMinimal`, `.overflow`).
    public init(bytes: some Collection<UInt8>) throws(MultiformatsError) {
        guard let (multihash, consumed) = try Multihash.decode(bytes) else {
            throw MultiformatsError(.truncated, "multihash is truncated (\(bytes.count) bytes)")
        }
        guard consumed == bytes.count else {
            throw MultiformatsError(
                .malformed,
                "\(bytes.count - consumed) unexpected bytes after a multihash of \(consumed) bytes"
            )
        }
        self = multihash
    }

    /// Decodes the base58btc text form (the legacy peer-ID form, e.g. `12D3KooW…` or `Qm…`).
    /// - Throws: the errors of ``Base58/decode(_:)`` and ``init(bytes:)``.
    public init(base58 text: some StringProtocol) throws(MultiformatsError) {
        try self.init(bytes: try Base58.decode(text))
    }

    // MARK: - Streaming decode

    /// Decodes a multihash from the start of `bytes`, which may hold more data after it.
    /// - Returns: the multihash and the number of bytes it used, or nil when more bytes are needed.
    /// - Throws: ``MultiformatsError`` for malformed varints and bad lengths (a declared digest length above
    ///   ``maximumDigestLength`` is rejected before waiting for the digest).
    public static func decode<Bytes: Collection<UInt8>>(
        _ bytes: Bytes
    ) throws(MultiformatsError) -> (multihash: Multihash, bytesConsumed: Int)? {
        guard let (code, codeLength) = try UVarint.decode(bytes) else { return nil }
        let afterCode = bytes.dropFirst(codeLength)
        guard let (length, lengthLength) = try UVarint.decode(afterCode) else { return nil }
        guard length <= UInt64(maximumDigestLength) else {
            throw MultiformatsError(
                .invalidLength,
                "multihash digest length \(length) is above the maximum of \(maximumDigestLength)"
            )
        }
        let digestStart = afterCode.dropFirst(lengthLength)
        guard digestStart.count >= Int(length) else { return nil }
        let digest = Array(digestStart.prefix(Int(length)))
        let multihash = try Multihash(code: Multicodec(code), digest: digest)
        return (multihash, codeLength + lengthLength + Int(length))
    }

    // MARK: - Encoding

    /// The binary form: `uvarint(code) || uvarint(length) || digest`.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(digest.count + 4)
        UVarint.encode(code.rawValue, into: &out)
        UVarint.encode(UInt64(digest.count), into: &out)
        out.append(contentsOf: digest)
        return out
    }

    /// The base58btc text of ``bytes`` (no multibase prefix).
    public var base58: String { Base58.encode(bytes) }

    /// The base58btc text of ``bytes``.
    public var description: String { base58 }

    /// Fixed digest lengths of known functions.
    static let fixedDigestLengths: [UInt64: Int] = [0x12: 32, 0x13: 64, 0x16: 32, 0xb220: 32]
}
