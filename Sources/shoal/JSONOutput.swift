import Foundation
import ShoalMultiformats

/// Prints values as one line of JSON with sorted keys, for `--json` and `--events` output.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex.
    var hexString: String { Base16.encode(self) }

    /// Parses hex in either case (spaces and newlines ignored); nil when the text is not hex.
    init?(hexString text: String) {
        let digits = String(text.filter { $0 != " " && $0 != "\n" })
        guard let bytes = try? Base16.decodeIgnoringCase(digits) else { return nil }
        self = bytes
    }
}
