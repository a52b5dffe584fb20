/// An IPv4 address: 4 bytes, written as a dotted quad.
public struct IPv4Address: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The 4 address bytes, network order.
    public let bytes: [UInt8]

    /// Wraps 4 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self.bytes = bytes
    }

    /// Parses a dotted quad (`192.0.2.1`): four decimal parts 0…255, no leading zeros, nothing else.
    public init?(_ description: String) {
        guard let bytes = IPv4Address.parse(Array(description.utf8)[...]) else { return nil }
        self.bytes = bytes
    }

    /// The dotted quad.
    public var description: String { bytes.map { String($0) }.joined(separator: ".") }

    static func parse(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count <= 15 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(4)
        for part in text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, out.count < 4 else { return nil }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return nil }
            var value = 0
            for character in part {
                guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(character - UInt8(ascii: "0"))
            }
            guard value <= 255 else { return nil }
            out.append(UInt8(value))
        }
        return out.count == 4 ? out : nil
    }
}

/// An IPv6 address: 16 bytes, parsed from RFC 4291 text and printed in RFC 5952 form.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The 16 address bytes, network order.
    public let bytes: [UInt8]

    /// Wraps 16 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses RFC 4291 text: eight groups of 1–4 hex digits, at most one `::`, optionally ending in a dotted quad
    /// (`::ffff:192.0.2.1`). Zones (`%eth0`) are not part of the address (multiaddr has `/ip6zone`).
    public init?(_ description: String) {
        guard let bytes = IPv6Address.parse(Array(description.utf8)) else { return nil }
        self.bytes = bytes
    }

    /// Whether this is an IPv4-mapped address (`::ffff:a.b.c.d`).
    public var isIPv4Mapped: Bool {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
    }

    /// RFC 5952 text: lower case, no leading zeros, the longest run (the first one on a tie) of two or more zero
    /// groups shortened to `::`; IPv4-mapped addresses end in a dotted quad.
    public var description: String {
        if isIPv4Mapped {
            return "::ffff:" + bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        let groups = (0..<8).map { (UInt16(bytes[2 * $0]) << 8) | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    static func parse(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        let colon = UInt8(ascii: ":")
        // Split around a single "::".
        var head: ArraySlice<UInt8> = text[...]
        var tail: ArraySlice<UInt8>? = nil
        var index = text.startIndex
        while index + 1 < text.endIndex {
            if text[index] == colon && text[index + 1] == colon {
                guard tail == nil else { return nil }
                head = text[..<index]
                tail = text[(index + 2)...]
                index += 2
                continue
            }
            index += 1
        }
        guard let headGroups = parseGroups(head, mayEndWithIPv4: tail == nil) else { return nil }
        if let tail {
            guard let tailGroups = parseGroups(tail, mayEndWithIPv4: true) else { return nil }
            let explicit = headGroups.count + tailGroups.count
            guard explicit <= 7 else { return nil }
            let groups = headGroups + [UInt16](repeating: 0, count: 8 - explicit) + tailGroups
            return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
        }
        guard headGroups.count == 8 else { return nil }
        return headGroups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// Parses colon-separated hex groups (empty input = no groups); a final dotted quad counts as two groups.
    private static func parseGroups(_ text: ArraySlice<UInt8>, mayEndWithIPv4: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        var groups: [UInt16] = []
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        for (partIndex, part) in parts.enumerated() {
            if mayEndWithIPv4 && partIndex == parts.count - 1 && part.contains(UInt8(ascii: ".")) {
                guard let quad = IPv4Address.parse(part) else { return nil }
                groups.append((UInt16(quad[0]) << 8) | UInt16(quad[1]))
                groups.append((UInt16(quad[2]) << 8) | UInt16(quad[3]))
                continue
            }
            guard !part.isEmpty, part.count <= 4 else { return nil }
            var value: UInt16 = 0
            for character in part {
                guard let digit = hexDigit(character) else { return nil }
                value = (value << 4) | UInt16(digit)
            }
            groups.append(value)
        }
        return groups.count <= 8 ? groups : nil
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// An IP address of either family.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// The address bytes (4 or 16).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): return address.bytes
        case .v6(let address): return address.bytes
        }
    }

    /// The dotted quad or RFC 5952 text.
    public var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }
}
