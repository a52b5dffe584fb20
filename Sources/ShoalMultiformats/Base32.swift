/// RFC 4648 base32 (`a-z2-7`), without a multibase prefix.
///
/// Multibase `b` is lower case and unpadded; that is the default here. Decoding is strict: one letter case,
/// padding present only when asked for, zero leftover bits.
public enum Base32 {
    static let lower = Alphabet(name: "base32", "abcdefghijklmnopqrstuvwxyz234567")
    static let upper = Alphabet(name: "base32upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// Encodes bytes as base32.
    /// - Parameters:
    ///   - uppercase: use `A-Z` (RFC 4648's own case) instead of `a-z`.
    ///   - padded: append `=` up to a multiple of 8 characters.
    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = false, padded: Bool = false) -> String
    {
        BitGroupCodec.encode(bytes, alphabet: uppercase ? upper : lower, bits: 5, padTo: padded ? 8 : nil)
    }

    /// Decodes base32 text.
    /// - Parameters:
    ///   - uppercase: expect `A-Z` instead of `a-z`.
    ///   - padded: expect `=` padding to a multiple of 8 characters.
    /// - Throws: ``MultiformatsError`` `.invalidCharacter` (with the position), `.invalidLength` or `.malformed`.
    public static func decode(
        _ text: some StringProtocol,
        uppercase: Bool = false,
        padded: Bool = false
    ) throws(MultiformatsError) -> [UInt8] {
        try BitGroupCodec.decode(Array(text.utf8), alphabet: uppercase ? upper : lower, bits: 5, padded: padded)
    }
}
