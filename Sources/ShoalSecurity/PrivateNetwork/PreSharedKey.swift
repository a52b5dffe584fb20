import ShoalCore
public import ShoalCrypto

/// A libp2p private-network pre-shared key (pnet PSK v1, `libp2p/specs pnet/Private-Networks-PSK-V1.md`): 32 secret
/// bytes shared by every member of the network.
///
/// The key file (`swarm.key` in go-ipfs) is three lines:
/// ```
/// /key/swarm/psk/1.0.0/
/// /base16/
/// <64 hex digits>
/// ```
/// Lines may end in `\n` or `\r\n`; trailing whitespace after the key is allowed. Only the `/base16/` encoding is
/// supported (what rust-libp2p accepts and go writes). `description` never shows the key.
public struct PreSharedKey: Sendable, CustomStringConvertible {
    /// The key length in bytes.
    public static let keyByteCount = 32
    /// The first line of a key file.
    public static let codecLine = "/key/swarm/psk/1.0.0/"
    /// The only supported encoding line.
    public static let base16Line = "/base16/"
    /// The largest key file accepted.
    public static let maximumFileLength = 1024

    /// The secret key bytes.
    public let key: SecureBytes

    // MARK: - Initialisation

    /// Wraps 32 secret bytes.
    /// - Throws: ``ShoalError`` with code `invalidKey` when `key` is not 32 bytes.
    public init(key: SecureBytes) throws {
        guard key.count == Self.keyByteCount else {
            throw ShoalError(.invalidKey, "pnet PSK must be \(Self.keyByteCount) bytes, got \(key.count)")
        }
        self.key = key
    }

    /// A new random key (to write a new key file with ``keyFileText``).
    public static func random() -> PreSharedKey {
        try! PreSharedKey(key: SecureBytes(randomCount: keyByteCount))
    }

    /// Parses the contents of a key file.
    /// - Throws: ``ShoalError`` with code `malformedInput` (not three lines, wrong codec line, bad hex, wrong length,
    ///   too long) or `unsupported` (an encoding other than `/base16/`, such as `/base64/` or `/bin/`).
    public init(keyFile bytes: some Collection<UInt8>) throws {
        guard bytes.count <= Self.maximumFileLength else {
            throw ShoalError(.malformedInput, "pnet key file of \(bytes.count) bytes is over \(Self.maximumFileLength)")
        }
        var lines = Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0
        }
        // Drop empty or blank lines at the end (a trailing newline, trailing whitespace).
        while let last = lines.last, last.allSatisfy(Self.isWhitespace) { lines.removeLast() }
        guard lines.count == 3 else {
            throw ShoalError(
                .malformedInput,
                "pnet key file must have 3 lines (codec, encoding, key), got \(lines.count)"
            )
        }
        guard Array(lines[0]) == Array(Self.codecLine.utf8) else {
            throw ShoalError(.malformedInput, "pnet key file must start with \(Self.codecLine)")
        }
        guard Array(lines[1]) == Array(Self.base16Line.utf8) else {
            let encoding = String(decoding: lines[1].prefix(32), as: UTF8.self)
            throw ShoalError(.unsupported, "pnet key encoding \"\(encoding)\" is not supported (only /base16/)")
        }
        var hex = Array(lines[2])
        while let last = hex.last, Self.isWhitespace(last) { hex.removeLast() }
        guard hex.count == Self.keyByteCount * 2 else {
            throw ShoalError(.malformedInput, "pnet key must be 64 hex digits, got \(hex.count) characters")
        }
        var key = [UInt8](repeating: 0, count: Self.keyByteCount)
        defer { for i in key.indices { key[i] = 0 } }
        for i in 0..<Self.keyByteCount {
            guard let high = Self.hexValue(hex[2 * i]), let low = Self.hexValue(hex[2 * i + 1]) else {
                throw ShoalError(.malformedInput, "pnet key has a character that is not a hex digit at \(2 * i)")
            }
            key[i] = high << 4 | low
        }
        try self.init(key: SecureBytes(key))
    }

    /// Parses the text of a key file. See ``init(keyFile:)``.
    public init(keyFileText text: String) throws {
        try self.init(keyFile: Array(text.utf8))
    }

    // MARK: - Output

    /// The key file text, as go writes it (lower-case hex, trailing newline). Contains the secret.
    public var keyFileText: String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        key.withUnsafeBytes { raw in
            for byte in raw {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0f)])
            }
        }
        return "\(Self.codecLine)\n\(Self.base16Line)\n\(String(decoding: hex, as: UTF8.self))\n"
    }

    /// A description that never shows the key.
    public var description: String { "PreSharedKey(32 bytes)" }

    // MARK: - Helpers

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
