import ShoalMultiformats

extension Array where Element == UInt8 {
    /// Test vectors as hex (spaces ignored, either case, an odd count padded with a leading zero).
    init(hex: String) {
        let digits = String(hex.filter { $0 != " " })
        self = (try? Base16.decodeIgnoringCase(digits.count % 2 == 1 ? "0" + digits : digits)) ?? []
    }

    /// Lower-case hex.
    var hex: String { Base16.encode(self) }
}
