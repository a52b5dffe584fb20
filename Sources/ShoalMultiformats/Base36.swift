/// Base36 (`0-9a-z`), without a multibase prefix; used by IPNS names and `k51…` peer-ID CIDs.
///
/// Each leading zero byte is written as one leading `0`. ``decode(_:uppercase:)`` reads lower case by default.
public enum Base36 {
    /// The longest text ``decode(_:uppercase:)`` accepts, in characters (the conversion is quadratic).
    public static let maximumEncodedLength = 1024

    static let lower = Alphabet(name: "base36", "0123456789abcdefghijklmnopqrstuvwxyz")
    static let upper = Alphabet(name: "base36upper", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// Encodes bytes as base36 text.
    /// - Parameter uppercase: use `A-Z` instead of `a-z`.
    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = false) -> String {
        RadixCodec.encode(bytes, alphabet: uppercase ? upper : lower)
    }

    /// Decodes base36 text in one letter case.
    /// - Throws: ``MultiformatsError`` `.invalidCharacter` or `.limitExceeded`.
    public static func decode(_ text: some StringProtocol, uppercase: Bool = false) throws(MultiformatsError) -> [UInt8]
    {
        try decode(utf8: Array(text.utf8), uppercase: uppercase, positionOffset: 0)
    }

    static func decode(
        utf8: some Collection<UInt8>,
        uppercase: Bool,
        positionOffset: Int
    ) throws(MultiformatsError) -> [UInt8] {
        guard utf8.count <= maximumEncodedLength else {
            throw MultiformatsError(
                .limitExceeded,
                "base36 text of \(utf8.count) characters is above the maximum of \(maximumEncodedLength)"
            )
        }
        return try RadixCodec.decode(utf8, alphabet: uppercase ? upper : lower, positionOffset: positionOffset)
    }
}
