/// A content identifier (CID): a version, a content codec and a multihash.
///
/// - CIDv0 is a bare sha2-256 multihash (text: base58btc `Qm…`, binary: `12 20 <32 bytes>`) with the implied
///   codec `dag-pb`.
/// - CIDv1 is `uvarint(1) || uvarint(codec) || multihash`, written in multibase (base32 `b…` by default).
///
/// Peer IDs in CID form are CIDv1 with the `libp2p-key` codec (`bafz…`, `k51…`). Equality uses the binary form.
public struct CID: Hashable, Sendable, CustomStringConvertible {
    /// The CID version.
    public enum Version: UInt64, Hashable, Sendable {
        /// CIDv0: a bare sha2-256 multihash.
        case v0 = 0
        /// CIDv1: version, codec, multihash.
        case v1 = 1
    }

    /// The version.
    public let version: Version
    /// The content codec (`dag-pb` for CIDv0).
    public let codec: Multicodec
    /// The multihash of the content.
    public let multihash: Multihash

    // MARK: - Creating

    /// Creates a CIDv1.
    /// - Parameters:
    ///   - codec: the content codec (e.g. ``Multicodec/libp2pKey`` for a peer ID).
    ///   - multihash: the multihash.
    public init(codec: Multicodec, multihash: Multihash) {
        self.version = .v1
        self.codec = codec
        self.multihash = multihash
    }

    /// Creates a CIDv0.
    /// - Throws: ``MultiformatsError`` `.invalidValue` unless `multihash` is sha2-256 (32 bytes).
    public init(v0 multihash: Multihash) throws(MultiformatsError) {
        guard multihash.code == .sha2_256 else {
            throw MultiformatsError(.invalidValue, "CIDv0 needs a sha2-256 multihash, got \(multihash.code)")
        }
        self.version = .v0
        self.codec = .dagPB
        self.multihash = multihash
    }

    /// Parses the text form: base58btc `Qm…` (46 characters) is CIDv0; anything else is multibase CIDv1.
    /// - Throws: ``MultiformatsError`` from multibase decoding or ``init(bytes:)``.
    public init(_ text: String) throws(MultiformatsError) {
        if text.utf8.count == 46 && text.hasPrefix("Qm") {
            try self.init(bytes: try Base58.decode(text))
            return
        }
        let bytes = try Multibase.decode(text)
        if bytes.first == 0x12 {
            throw MultiformatsError(.malformed, "a CIDv0 cannot be written in multibase")
        }
        try self.init(bytes: bytes)
    }

    /// Decodes the binary form (CIDv0 when it starts with `12 20` and is 34 bytes long).
    /// - Throws: ``MultiformatsError`` `.unsupported` (versions other than 0 and 1), `.malformed`, `.truncated` and
    ///   the multihash errors.
    public init(bytes: some Collection<UInt8>) throws(MultiformatsError) {
        let input = Array(bytes)
        if input.count == 34 && input[0] == 0x12 && input[1] == 0x20 {
            try self.init(v0: try Multihash(bytes: input))
            return
        }
        let (version, versionLength) = try UVarint.decodeComplete(input)
        guard version == 1 else {
            if version == 0x12 {
                throw MultiformatsError(.invalidLength, "CIDv0 must be a 34-byte sha2-256 multihash")
            }
            throw MultiformatsError(.unsupported, "unsupported CID version \(version)")
        }
        let (codec, codecLength) = try UVarint.decodeComplete(input[versionLength...])
        let multihash = try Multihash(bytes: input[(versionLength + codecLength)...])
        self.init(codec: Multicodec(codec), multihash: multihash)
    }

    // MARK: - Encoding

    /// The binary form.
    public var bytes: [UInt8] {
        switch version {
        case .v0:
            return multihash.bytes
        case .v1:
            var out: [UInt8] = []
            UVarint.encode(version.rawValue, into: &out)
            UVarint.encode(codec.rawValue, into: &out)
            out.append(contentsOf: multihash.bytes)
            return out
        }
    }

    /// The text form in `base` (CIDv0 is always base58btc without a prefix, whatever `base` says).
    public func string(base: Multibase.Base = .base32) -> String {
        switch version {
        case .v0: return Base58.encode(bytes)
        case .v1: return Multibase.encode(bytes, as: base)
        }
    }

    /// The same content as a CIDv1 (a CIDv0 becomes `dag-pb` CIDv1).
    public var v1: CID { CID(codec: codec, multihash: multihash) }

    /// The default text form: `Qm…` for CIDv0, base32 `b…` for CIDv1.
    public var description: String { string() }
}
