/// Multibase: self-describing text encodings of bytes, where the first character names the base.
///
/// ```swift
/// Multibase.encode([0x01, 0x72], as: .base32)   // "bafza"
/// try Multibase.decode("bafza")                 // [0x01, 0x72]
/// ```
public enum Multibase {
    /// The longest text ``decode(_:)`` accepts, in characters, prefix included. base58btc and base36 have the
    /// smaller limits of ``Base58/maximumEncodedLength`` and ``Base36/maximumEncodedLength``.
    public static let maximumEncodedLength = 16384

    /// The bases this module reads and writes.
    public enum Base: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `f`: lower-case hex.
        case base16
        /// `F`: upper-case hex.
        case base16Upper
        /// `b`: RFC 4648 base32, lower case, no padding (the default for CIDv1).
        case base32
        /// `B`: RFC 4648 base32, upper case, no padding.
        case base32Upper
        /// `k`: base36, lower case (IPNS names, `k51…` peer IDs).
        case base36
        /// `K`: base36, upper case.
        case base36Upper
        /// `z`: base58btc (Bitcoin alphabet).
        case base58btc
        /// `m`: RFC 4648 base64, no padding.
        case base64
        /// `M`: RFC 4648 base64 with padding.
        case base64Pad
        /// `u`: RFC 4648 URL-safe base64, no padding (used for multiaddr `certhash`).
        case base64url
        /// `U`: RFC 4648 URL-safe base64 with padding.
        case base64urlPad

        /// The multibase prefix character.
        public var prefix: Character {
            switch self {
            case .base16: return "f"
            case .base16Upper: return "F"
            case .base32: return "b"
            case .base32Upper: return "B"
            case .base36: return "k"
            case .base36Upper: return "K"
            case .base58btc: return "z"
            case .base64: return "m"
            case .base64Pad: return "M"
            case .base64url: return "u"
            case .base64urlPad: return "U"
            }
        }

        /// The base with this prefix character, or nil when it is not one this module supports.
        public init?(prefix: Character) {
            guard let ascii = prefix.asciiValue else { return nil }
            self.init(prefixByte: ascii)
        }

        /// The base with this ASCII prefix byte, or nil.
        init?(prefixByte: UInt8) {
            switch prefixByte {
            case UInt8(ascii: "f"): self = .base16
            case UInt8(ascii: "F"): self = .base16Upper
            case UInt8(ascii: "b"): self = .base32
            case UInt8(ascii: "B"): self = .base32Upper
            case UInt8(ascii: "k"): self = .base36
            case UInt8(ascii: "K"): self = .base36Upper
            case UInt8(ascii: "z"): self = .base58btc
            case UInt8(ascii: "m"): self = .base64
            case UInt8(ascii: "M"): self = .base64Pad
            case UInt8(ascii: "u"): self = .base64url
            case UInt8(ascii: "U"): self = .base64urlPad
            default: return nil
            }
        }

        /// The multibase table name (e.g. `base32`, `base58btc`).
        public var description: String {
            switch self {
            case .base16: return "base16"
            case .base16Upper: return "base16upper"
            case .base32: return "base32"
            case .base32Upper: return "base32upper"
            case .base36: return "base36"
            case .base36Upper: return "base36upper"
            case .base58btc: return "base58btc"
            case .base64: return "base64"
            case .base64Pad: return "base64pad"
            case .base64url: return "base64url"
            case .base64urlPad: return "base64urlpad"
            }
        }
    }

    // MARK: - Encoding

    /// Encodes bytes in `base`, prefix included.
    /// - Parameters:
    ///   - bytes: the data.
    ///   - base: the base; its prefix character starts the result.
    /// - Returns: the multibase text.
    public static func encode(_ bytes: some Collection<UInt8>, as base: Base) -> String {
        String(base.prefix) + encodeWithoutPrefix(bytes, as: base)
    }

    static func encodeWithoutPrefix(_ bytes: some Collection<UInt8>, as base: Base) -> String {
        switch base {
        case .base16: return Base16.encode(bytes)
        case .base16Upper: return Base16.encode(bytes, uppercase: true)
        case .base32: return Base32.encode(bytes)
        case .base32Upper: return Base32.encode(bytes, uppercase: true)
        case .base36: return Base36.encode(bytes)
        case .base36Upper: return Base36.encode(bytes, uppercase: true)
        case .base58btc: return Base58.encode(bytes)
        case .base64: return Base64.encode(bytes)
        case .base64Pad: return Base64.encode(bytes, padded: true)
        case .base64url: return Base64.encode(bytes, urlSafe: true)
        case .base64urlPad: return Base64.encode(bytes, urlSafe: true, padded: true)
        }
    }

    // MARK: - Decoding

    /// Decodes multibase text; the first character selects the base.
    /// - Returns: the bytes.
    /// - Throws: ``MultiformatsError`` `.malformed` (empty), `.unknownCode` (unknown prefix),
    ///   `.invalidCharacter` (with the 0-based position in `text`), `.invalidLength`, `.limitExceeded`.
    public static func decode(_ text: some StringProtocol) throws(MultiformatsError) -> [UInt8] {
        try decodeWithBase(text).bytes
    }

    /// Decodes multibase text and reports which base it used.
    /// - Returns: the base named by the prefix and the decoded bytes.
    /// - Throws: the errors of ``decode(_:)``.
    public static func decodeWithBase(
        _ text: some StringProtocol
    ) throws(MultiformatsError) -> (base: Base, bytes: [UInt8]) {
        let utf8 = Array(text.utf8)
        guard let first = utf8.first else {
            throw MultiformatsError(.malformed, "empty multibase text")
        }
        guard utf8.count <= maximumEncodedLength else {
            throw MultiformatsError(
                .limitExceeded,
                "multibase text of \(utf8.count) characters is above the maximum of \(maximumEncodedLength)"
            )
        }
        guard let base = Base(prefixByte: first) else {
            throw MultiformatsError(.unknownCode, "unknown multibase prefix \(describeByte(first))")
        }
        let body = utf8[1...]
        let bytes: [UInt8]
        switch base {
        case .base16, .base16Upper:
            let alphabet = base == .base16 ? Base16.lower : Base16.upper
            bytes = try BitGroupCodec.decode(body, alphabet: alphabet, bits: 4, padded: false, positionOffset: 1)
        case .base32, .base32Upper:
            let alphabet = base == .base32 ? Base32.lower : Base32.upper
            bytes = try BitGroupCodec.decode(body, alphabet: alphabet, bits: 5, padded: false, positionOffset: 1)
        case .base36, .base36Upper:
            bytes = try Base36.decode(utf8: body, uppercase: base == .base36Upper, positionOffset: 1)
        case .base58btc:
            bytes = try Base58.decode(utf8: body, positionOffset: 1)
        case .base64, .base64Pad:
            bytes = try BitGroupCodec.decode(
                body,
                alphabet: Base64.standard,
                bits: 6,
                padded: base == .base64Pad,
                positionOffset: 1
            )
        case .base64url, .base64urlPad:
            bytes = try BitGroupCodec.decode(
                body,
                alphabet: Base64.url,
                bits: 6,
                padded: base == .base64urlPad,
                positionOffset: 1
            )
        }
        return (base, bytes)
    }
}
