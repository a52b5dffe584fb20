/// Hexadecimal (base16), without a multibase prefix.
///
/// The project's one hex codec: multibase `f`/`F`, key files, CLI output, SQL blob literals and tests use it.
public enum Base16 {
    static let lower = Alphabet(name: "base16", "0123456789abcdef")
    static let upper = Alphabet(name: "base16upper", "0123456789ABCDEF")

    /// Encodes bytes as hex.
    /// - Parameter uppercase: use `A-F` instead of `a-f`.
    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = false) -> String {
        BitGroupCodec.encode(bytes, alphabet: uppercase ? upper : lower, bits: 4, padTo: nil)
    }

    /// Decodes hex of one letter case (an even number of characters).
    /// - Throws: ``MultiformatsError`` `.invalidCharacter` or `.invalidLength`.
    public static func decode(_ text: some StringProtocol, uppercase: Bool = false) throws(MultiformatsError) -> [UInt8]
    {
        try BitGroupCodec.decode(Array(text.utf8), alphabet: uppercase ? upper : lower, bits: 4, padded: false)
    }

    /// Decodes hex in either letter case, or mixed (an even number of characters; no whitespace).
    /// - Throws: ``MultiformatsError`` `.invalidCharacter` or `.invalidLength`.
    public static func decodeIgnoringCase(_ text: some StringProtocol) throws(MultiformatsError) -> [UInt8] {
        let folded = text.utf8.map { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) ? byte + 0x20 : byte
        }
        return try BitGroupCodec.decode(folded, alphabet: lower, bits: 4, padded: false)
    }
}
