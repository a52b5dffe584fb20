/// Converts multiaddr component values between their text and binary forms, one protocol at a time.
///
/// Errors thrown here name the problem without the component index; ``Multiaddr`` adds " at component N".
/// Every value that ``validate(_:_:)`` accepts prints (``text(_:_:)``) to text that ``parse(_:_:)`` turns back into
/// the same bytes.
enum MultiaddrValueCodec {
    // MARK: - Text → bytes

    /// Parses the text of one value (for `unix`, the whole path including its leading `/`).
    static func parse(_ proto: MultiaddrProtocol, _ text: ArraySlice<UInt8>) throws(MultiformatsError) -> [UInt8] {
        let shown = { quoted(String(decoding: text, as: UTF8.self)) }
        switch proto {
        case .ip4:
            guard let bytes = IPv4Address.parse(text) else {
                throw MultiformatsError(.invalidValue, "invalid ip4 address \(shown())")
            }
            return bytes
        case .ip6:
            guard let bytes = IPv6Address.parse(Array(text)) else {
                throw MultiformatsError(.invalidValue, "invalid ip6 address \(shown())")
            }
            return bytes
        case .tcp, .udp, .dccp, .sctp:
            guard let port = decimal(text, maximum: 65535) else {
                throw MultiformatsError(.invalidValue, "invalid port \(shown()) for \(proto.name)")
            }
            return [UInt8(port >> 8), UInt8(port & 0xff)]
        case .ipcidr:
            guard let bits = decimal(text, maximum: 255) else {
                throw MultiformatsError(.invalidValue, "invalid ipcidr prefix length \(shown())")
            }
            return [UInt8(bits)]
        case .memory:
            guard let value = decimal(text, maximum: UInt64.max) else {
                throw MultiformatsError(.invalidValue, "invalid memory address \(shown())")
            }
            return (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
        case .p2p:
            return try parsePeerID(text)
        case .certhash:
            let bytes = try Multibase.decode(String(decoding: text, as: UTF8.self))
            try validate(proto, bytes)
            return bytes
        case .onion, .onion3:
            return try parseOnion(proto, text)
        case .httpPath:
            let bytes = try percentDecode(text)
            try validate(proto, bytes)
            return bytes
        default:
            // ip6zone, dns*, sni, unix: the UTF-8 text itself.
            let bytes = Array(text)
            try validate(proto, bytes)
            return bytes
        }
    }

    // MARK: - Binary validation

    /// Checks a binary value of `proto` (its length already matches a fixed size).
    static func validate(_ proto: MultiaddrProtocol, _ value: [UInt8]) throws(MultiformatsError) {
        switch proto.size {
        case .none:
            guard value.isEmpty else {
                throw MultiformatsError(.invalidValue, "\(proto.name) takes no value")
            }
            return
        case .fixed(let count):
            guard value.count == count else {
                throw MultiformatsError(
                    .invalidLength,
                    "\(proto.name) value must be \(count) bytes, got \(value.count)"
                )
            }
        case .variable:
            guard !value.isEmpty else {
                throw MultiformatsError(.invalidValue, "empty \(proto.name) value")
            }
        }
        switch proto {
        case .ip6zone, .dns, .dns4, .dns6, .dnsaddr, .sni:
            guard String(validating: value, as: UTF8.self) != nil else {
                throw MultiformatsError(.invalidValue, "\(proto.name) value is not valid UTF-8")
            }
            guard !value.contains(UInt8(ascii: "/")) else {
                throw MultiformatsError(.invalidValue, "\(proto.name) value contains '/'")
            }
        case .unix:
            guard String(validating: value, as: UTF8.self) != nil else {
                throw MultiformatsError(.invalidValue, "unix path is not valid UTF-8")
            }
            guard value.count >= 2, value.first == UInt8(ascii: "/"), value.last != UInt8(ascii: "/") else {
                throw MultiformatsError(.invalidValue, "invalid unix path (it must start and not end with '/')")
            }
        case .p2p:
            try validatePeerID(value)
        case .certhash:
            _ = try Multihash(bytes: value)
        case .onion, .onion3:
            guard value[value.count - 2] != 0 || value[value.count - 1] != 0 else {
                throw MultiformatsError(.invalidValue, "\(proto.name) port must be 1…65535")
            }
        default:
            return
        }
    }

    // MARK: - Bytes → text

    /// The text of a validated value (nil for protocols without a value).
    static func text(_ proto: MultiaddrProtocol, _ value: [UInt8]) -> String? {
        switch proto.size {
        case .none:
            return nil
        default:
            break
        }
        switch proto {
        case .ip4:
            return IPv4Address(bytes: value)?.description
        case .ip6:
            return IPv6Address(bytes: value)?.description
        case .tcp, .udp, .dccp, .sctp:
            return String((UInt16(value[0]) << 8) | UInt16(value[1]))
        case .ipcidr:
            return String(value[0])
        case .memory:
            return String(value.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) })
        case .p2p:
            return Base58.encode(value)
        case .certhash:
            return Multibase.encode(value, as: .base64url)
        case .onion, .onion3:
            let port = (UInt16(value[value.count - 2]) << 8) | UInt16(value[value.count - 1])
            return Base32.encode(value.dropLast(2)) + ":" + String(port)
        case .httpPath:
            return percentEncode(value)
        default:
            return String(decoding: value, as: UTF8.self)
        }
    }

    // MARK: - Peer IDs

    /// A base58btc multihash (`1…`, `Qm…`) or a CID with the `libp2p-key` codec; returns the multihash bytes.
    private static func parsePeerID(_ text: ArraySlice<UInt8>) throws(MultiformatsError) -> [UInt8] {
        let string = String(decoding: text, as: UTF8.self)
        let bytes: [UInt8]
        if text.first == UInt8(ascii: "1") || text.starts(with: Array("Qm".utf8)) {
            bytes = try Base58.decode(string)
        } else {
            let cid = try CID(string)
            guard cid.codec == .libp2pKey else {
                throw MultiformatsError(
                    .invalidValue,
                    "p2p CID has codec \(cid.codec), expected libp2p-key (0x72)"
                )
            }
            bytes = cid.multihash.bytes
        }
        try validatePeerID(bytes)
        return bytes
    }

    /// A peer ID is an identity or sha2-256 multihash.
    private static func validatePeerID(_ bytes: [UInt8]) throws(MultiformatsError) {
        let multihash = try Multihash(bytes: bytes)
        guard multihash.code == .identity || multihash.code == .sha2_256 else {
            throw MultiformatsError(
                .invalidValue,
                "p2p multihash uses \(multihash.code), expected identity or sha2-256"
            )
        }
    }

    // MARK: - Onion

    private static func parseOnion(
        _ proto: MultiaddrProtocol,
        _ text: ArraySlice<UInt8>
    ) throws(MultiformatsError) -> [UInt8] {
        let hostLength = proto == .onion ? 16 : 56
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let shown = quoted(String(decoding: text, as: UTF8.self))
        guard parts.count == 2, parts[0].count == hostLength,
            let port = decimal(parts[1], maximum: 65535), port > 0
        else {
            throw MultiformatsError(.invalidValue, "invalid \(proto.name) address \(shown)")
        }
        let lower = parts[0].map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        let host: [UInt8]
        do {
            host = try BitGroupCodec.decode(lower, alphabet: Base32.lower, bits: 5, padded: false)
        } catch {
            throw MultiformatsError(.invalidValue, "invalid \(proto.name) address \(shown): \(error.message)")
        }
        return host + [UInt8(port >> 8), UInt8(port & 0xff)]
    }

    // MARK: - Numbers and percent-encoding

    /// Parses 1–20 ASCII decimal digits up to `maximum`.
    static func decimal(_ text: some Collection<UInt8>, maximum: UInt64) -> UInt64? {
        guard !text.isEmpty, text.count <= 20 else { return nil }
        var value: UInt64 = 0
        for character in text {
            guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(character - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value <= maximum ? value : nil
    }

    /// Query-style percent-decoding (`%XX`, and `+` for a space), as go-multiaddr's `http-path` does.
    static func percentDecode(_ text: ArraySlice<UInt8>) throws(MultiformatsError) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == UInt8(ascii: "%") {
                guard index + 2 < text.endIndex, let high = hexValue(text[index + 1]),
                    let low = hexValue(text[index + 2])
                else {
                    throw MultiformatsError(
                        .invalidValue,
                        "invalid percent-escape at position \(index - text.startIndex)"
                    )
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(character == UInt8(ascii: "+") ? UInt8(ascii: " ") : character)
                index += 1
            }
        }
        return out
    }

    /// Query-style percent-encoding: unreserved characters stay, a space becomes `+`, the rest `%XX`.
    static func percentEncode(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
