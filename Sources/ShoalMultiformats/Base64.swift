/// RFC 4648 base64, standard (`+/`) or URL-safe (`-_`) alphabet, without a multibase prefix.
public enum Base64 {
    static let standard = Alphabet(
        name: "base64",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    )
    static let url = Alphabet(
        name: "base64url",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )

    /// Encodes bytes as base64.
    /// - Parameters:
    ///   - urlSafe: use the URL-safe alphabet (`-_`).
    ///   - padded: append `=` up to a multiple of 4 characters.
    public static func encode(_ bytes: some Collection<UInt8>, urlSafe: Bool = false, padded: Bool = false) -> String {
        BitGroupCodec.encode(bytes, alphabet: urlSafe ? url : standard, bits: 6, padTo: padded ? 4 : nil)
    }

    /// Decodes base64 strictly (alphabet, padding as asked, zero leftover bits).
    /// - Throws: ``MultiformatsError`` `.invalidCharacter`, `.invalidLength` or `.malformed`.
    public static func decode(
        _ text: some StringProtocol,
        urlSafe: Bool = false,
        padded: Bool = false
    ) throws(MultiformatsError) -> [UInt8] {
        try BitGroupCodec.decode(Array(text.utf8), alphabet: urlSafe ? url : standard, bits: 6, padded: padded)
    }
}
