import ShoalCrypto
public import ShoalMultiformats

/// Content identifiers for dataset files: CIDv1, codec raw (0x55), multihash sha2-256 of the bytes.
///
/// The text form is base32 lower case with the `b` prefix: 59 characters starting with `bafkrei`.
public enum ContentID {
    /// The raw CIDv1 of `bytes`.
    public static func of(_ bytes: [UInt8]) -> CID {
        digestCID(SHA256.hash(bytes))
    }

    /// The raw CIDv1 for a sha2-256 digest computed elsewhere (for example while streaming a file).
    /// - Precondition: `digest` is 32 bytes.
    public static func digestCID(_ digest: [UInt8]) -> CID {
        // A 32-byte sha2-256 digest is always a valid multihash.
        let multihash = try! Multihash(code: .sha2_256, digest: digest)
        return CID(codec: .raw, multihash: multihash)
    }

    /// Whether `cid` names `bytes`: a sha2-256 multihash equal to the digest of `bytes` (any codec).
    public static func matches(_ cid: CID, _ bytes: [UInt8]) -> Bool {
        cid.multihash.code == .sha2_256 && cid.multihash.digest == SHA256.hash(bytes)
    }
}
