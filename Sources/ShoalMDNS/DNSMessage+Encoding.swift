public import ShoalCore
import ShoalMultiformats

// MARK: - Encoding

extension DNSMessage {
    /// Encodes the message, compressing repeated name suffixes.
    /// - Returns: the datagram bytes.
    /// - Throws: ``ShoalError`` `.limitExceeded` when the message would exceed ``maximumPacketSize`` or a count does
    ///   not fit, `.invalidArgument` for a TXT string over 255 bytes.
    public func encoded() throws(ShoalError) -> [UInt8] {
        let records = answers.count + authorities.count + additionals.count
        guard questions.count <= Self.maximumQuestions, records <= Self.maximumRecords else {
            throw ShoalError(.limitExceeded, "DNS message has too many questions or records")
        }
        var writer = DNSWriter()
        writer.u16(id)
        writer.u16(flags)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            writer.u16(UInt16(count))
        }
        for question in questions {
            writer.name(question.name)
            writer.u16(question.type)
            writer.u16(question.recordClass | (question.unicastResponse ? 0x8000 : 0))
        }
        for record in answers + authorities + additionals { try writer.record(record) }
        guard writer.bytes.count <= Self.maximumPacketSize else {
            throw ShoalError(
                .limitExceeded,
                "DNS message of \(writer.bytes.count) bytes exceeds \(Self.maximumPacketSize)"
            )
        }
        return writer.bytes
    }
}

/// Appends DNS wire data and remembers name suffixes for compression.
struct DNSWriter {
    var bytes: [UInt8] = []
    var offsets: [[[UInt8]]: Int] = [:]

    mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(value & 0xFFFF))
    }

    /// Writes `name`, replacing the longest suffix already written by a pointer.
    mutating func name(_ name: DNSName) {
        let folded = name.folded
        for index in folded.indices {
            let suffix = Array(folded[index...])
            if let offset = offsets[suffix] {
                u16(0xC000 | UInt16(offset))
                return
            }
            if bytes.count < 0x3FFF { offsets[suffix] = bytes.count }
            bytes.append(UInt8(name.labels[index].count))
            bytes += name.labels[index]
        }
        bytes.append(0)
    }

    mutating func record(_ record: DNSRecord) throws(ShoalError) {
        name(record.name)
        u16(record.type)
        u16(record.recordClass | (record.cacheFlush ? 0x8000 : 0))
        u32(record.ttl)
        let lengthAt = bytes.count
        u16(0)
        switch record.data {
        case .ptr(let target):
            name(target)
        case .srv(let priority, let weight, let port, let target):
            u16(priority)
            u16(weight)
            u16(port)
            name(target)
        case .txt(let strings):
            guard strings.count <= DNSMessage.maximumTXTStrings else {
                throw ShoalError(.limitExceeded, "TXT record has more than \(DNSMessage.maximumTXTStrings) strings")
            }
            // RFC 6763 §6.1: an empty TXT record holds one empty string.
            for string in strings.isEmpty ? [[]] : strings {
                guard string.count <= 255 else {
                    throw ShoalError(.invalidArgument, "TXT string of \(string.count) bytes exceeds 255")
                }
                bytes.append(UInt8(string.count))
                bytes += string
            }
        case .a(let address):
            bytes += address.bytes
        case .aaaa(let address):
            bytes += address.bytes
        case .unknown(_, let data):
            guard data.count <= 0xFFFF else { throw ShoalError(.limitExceeded, "DNS record data exceeds 65,535 bytes") }
            bytes += data
        }
        let length = bytes.count - lengthAt - 2
        bytes[lengthAt] = UInt8(length >> 8)
        bytes[lengthAt + 1] = UInt8(length & 0xFF)
    }
}
