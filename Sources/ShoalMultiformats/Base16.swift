/// Hexadecimal (base16), without a multibase prefix.
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
}
