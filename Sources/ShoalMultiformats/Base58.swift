/// Base58btc (the Bitcoin alphabet), without a multibase prefix.
///
/// This is the legacy text form of libp2p peer IDs (`12D3KooW…`, `Qm…`) and of CIDv0. Each leading zero byte is
/// written as one leading `1`.
public enum Base58 {
    /// The longest text ``decode(_:)`` accepts, in characters (the conversion is quadratic in the length).
    public static let maximumEncodedLength = 1024

    static let alphabet = Alphabet(name: "base58btc", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")

    /// Encodes bytes as base58btc text.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        RadixCodec.encode(bytes, alphabet: alphabet)
    }

    /// Decodes base58btc text.
    /// - Throws: ``MultiformatsError`` `.invalidCharacter` (naming the character and its 0-based position) or
    ///   `.limitExceeded` above ``maximumEncodedLength``.
    public static func decode(_ text: some StringProtocol) throws(MultiformatsError) -> [UInt8] {
        try decode(utf8: Array(text.utf8), positionOffset: 0)
    }

    static func decode(utf8: some Collection<UInt8>, positionOffset: Int) throws(MultiformatsError) -> [UInt8] {
        guard utf8.count <= maximumEncodedLength else {
            throw MultiformatsError(
                .limitExceeded,
                "base58btc text of \(utf8.count) characters is above the maximum of \(maximumEncodedLength)"
            )
        }
        return try RadixCodec.decode(utf8, alphabet: alphabet, positionOffset: positionOffset)
    }
}
