/// An encoding alphabet with its reverse lookup table (internal building block of the base encodings).
struct Alphabet: Sendable {
    /// The name used in error messages (e.g. `base58btc`).
    let name: String
    /// Digit value → ASCII character.
    let characters: [UInt8]
    /// ASCII byte → digit value, or -1.
    let table: [Int16]

    init(name: String, _ characters: String) {
        self.name = name
        self.characters = Array(characters.utf8)
        var table = [Int16](repeating: -1, count: 256)
        for (index, character) in self.characters.enumerated() {
            table[Int(character)] = Int16(index)
        }
        self.table = table
    }

    /// The radix of the alphabet.
    var radix: Int { characters.count }

    /// The digit value of `byte` at `position`, or a typed error naming the character and position.
    @inline(__always)
    func digit(_ byte: UInt8, at position: Int) throws(MultiformatsError) -> Int {
        let value = table[Int(byte)]
        if value < 0 {
            throw MultiformatsError(
                .invalidCharacter,
                "invalid \(name) character \(describeByte(byte)) at position \(position)"
            )
        }
        return Int(value)
    }
}

// MARK: - Radix conversion (base58, base36)

/// Big-number radix conversion for alphabets whose radix is not a power of two. Quadratic: callers bound the input.
enum RadixCodec {
    /// Encodes bytes; each leading zero byte becomes one leading `alphabet[0]` character.
    static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet) -> String {
        let input = Array(bytes)
        var zeros = 0
        while zeros < input.count && input[zeros] == 0 {
            zeros += 1
        }
        let radix = UInt32(alphabet.radix)
        // Digits in little-endian order.
        var digits: [UInt8] = []
        digits.reserveCapacity(input.count * 138 / 100 + 1)
        for byte in input[zeros...] {
            var carry = UInt32(byte)
            for index in digits.indices {
                carry += UInt32(digits[index]) << 8
                digits[index] = UInt8(carry % radix)
                carry /= radix
            }
            while carry > 0 {
                digits.append(UInt8(carry % radix))
                carry /= radix
            }
        }
        var out = [UInt8](repeating: alphabet.characters[0], count: zeros)
        out.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() {
            out.append(alphabet.characters[Int(digit)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes text; each leading `alphabet[0]` character becomes one leading zero byte.
    /// - Parameters:
    ///   - text: the encoded characters (ASCII).
    ///   - positionOffset: added to positions in error messages (the length of a stripped prefix).
    static func decode(
        _ text: some Collection<UInt8>,
        alphabet: Alphabet,
        positionOffset: Int = 0
    ) throws(MultiformatsError) -> [UInt8] {
        let zeroCharacter = alphabet.characters[0]
        let radix = UInt32(alphabet.radix)
        var zeros = 0
        var leading = true
        // Bytes in little-endian order.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count * 3 / 4 + 1)
        var position = positionOffset
        for character in text {
            let digit = try alphabet.digit(character, at: position)
            position += 1
            if leading && character == zeroCharacter {
                zeros += 1
                continue
            }
            leading = false
            var carry = UInt32(digit)
            for index in bytes.indices {
                carry += UInt32(bytes[index]) * radix
                bytes[index] = UInt8(truncatingIfNeeded: carry)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(truncatingIfNeeded: carry))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

// MARK: - Bit-group conversion (base16, base32, base64)

/// Conversion for alphabets whose radix is 2^bits (RFC 4648 style), with optional `=` padding.
enum BitGroupCodec {
    /// Encodes bytes, `bits` bits per character, adding `=` padding to a multiple of `blockCharacters` if asked.
    static func encode(
        _ bytes: some Collection<UInt8>,
        alphabet: Alphabet,
        bits: Int,
        padTo blockCharacters: Int?
    ) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + bits - 1) / bits + 8)
        var buffer: UInt32 = 0
        var buffered = 0
        let mask = UInt32((1 << bits) - 1)
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            buffered += 8
            while buffered >= bits {
                buffered -= bits
                out.append(alphabet.characters[Int((buffer >> UInt32(buffered)) & mask)])
            }
            buffer &= (1 << UInt32(buffered)) - 1
        }
        if buffered > 0 {
            out.append(alphabet.characters[Int((buffer << UInt32(bits - buffered)) & mask)])
        }
        if let blockCharacters {
            while out.count % blockCharacters != 0 {
                out.append(UInt8(ascii: "="))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes text strictly: characters must be in the alphabet, the leftover bits must be zero, the length must
    /// be possible for the encoding, and padding must be present (`padded == true`) or absent (`false`).
    static func decode(
        _ text: some Collection<UInt8>,
        alphabet: Alphabet,
        bits: Int,
        padded: Bool,
        positionOffset: Int = 0
    ) throws(MultiformatsError) -> [UInt8] {
        let blockCharacters = bits == 4 ? 2 : (bits == 5 ? 8 : 4)
        var characters = Array(text)
        if padded {
            guard characters.count % blockCharacters == 0 else {
                throw MultiformatsError(
                    .invalidLength,
                    "padded \(alphabet.name) length \(characters.count) is not a multiple of \(blockCharacters)"
                )
            }
            var padding = 0
            while let last = characters.last, last == UInt8(ascii: "=") {
                characters.removeLast()
                padding += 1
            }
            if padding >= blockCharacters
                || (padding > 0
                    && padding != blockCharacters
                        - unpaddedRemainderLength(
                            characters.count,
                            blockCharacters: blockCharacters
                        ))
            {
                throw MultiformatsError(.malformed, "invalid \(alphabet.name) padding (\(padding) '=')")
            }
        }
        let remainder = characters.count % blockCharacters
        guard isValidRemainder(remainder, bits: bits) else {
            throw MultiformatsError(.invalidLength, "invalid \(alphabet.name) length \(characters.count)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count * bits / 8)
        var buffer: UInt32 = 0
        var buffered = 0
        for (index, character) in characters.enumerated() {
            let digit = try alphabet.digit(character, at: positionOffset + index)
            buffer = (buffer << UInt32(bits)) | UInt32(digit)
            buffered += bits
            if buffered >= 8 {
                buffered -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(buffered)))
                buffer &= (1 << UInt32(buffered)) - 1
            }
        }
        if buffer != 0 {
            throw MultiformatsError(.malformed, "non-zero trailing bits in \(alphabet.name) input")
        }
        return out
    }

    /// Whether an unpadded encoding can have this length modulo the block size.
    private static func isValidRemainder(_ remainder: Int, bits: Int) -> Bool {
        switch bits {
        case 4: return remainder == 0
        case 5: return remainder != 1 && remainder != 3 && remainder != 6
        default: return remainder != 1
        }
    }

    /// The number of data characters in the last block of an unpadded text of `count` characters.
    private static func unpaddedRemainderLength(_ count: Int, blockCharacters: Int) -> Int {
        let remainder = count % blockCharacters
        return remainder == 0 ? blockCharacters : remainder
    }
}
