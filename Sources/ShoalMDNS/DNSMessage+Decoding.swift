public import ShoalCore
import ShoalMultiformats

// MARK: - Decoding

extension DNSMessage {
    /// Decodes a whole DNS message (one UDP datagram).
    ///
    /// Names may use compression pointers; a pointer must point before the label it replaces and at most
    /// ``maximumPointerJumps`` are followed, so loops are impossible.
    /// - Parameter bytes: the datagram.
    /// - Throws: ``ShoalError`` `.limitExceeded` for a packet, name or count past its bound, `.malformedInput` for
    ///   truncated or inconsistent data.
    public init(decoding bytes: [UInt8]) throws(ShoalError) {
        guard bytes.count <= Self.maximumPacketSize else {
            throw ShoalError(.limitExceeded, "mDNS packet of \(bytes.count) bytes exceeds \(Self.maximumPacketSize)")
        }
        var reader = DNSReader(bytes: bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        let questionCount = Int(try reader.u16())
        let answerCount = Int(try reader.u16())
        let authorityCount = Int(try reader.u16())
        let additionalCount = Int(try reader.u16())
        guard questionCount <= Self.maximumQuestions else {
            throw ShoalError(
                .limitExceeded,
                "DNS message has \(questionCount) questions (max \(Self.maximumQuestions))"
            )
        }
        let recordCount = answerCount + authorityCount + additionalCount
        guard recordCount <= Self.maximumRecords else {
            throw ShoalError(.limitExceeded, "DNS message has \(recordCount) records (max \(Self.maximumRecords))")
        }
        var questions: [DNSQuestion] = []
        for _ in 0..<questionCount {
            let name = try reader.name()
            let type = try reader.u16()
            let rawClass = try reader.u16()
            questions.append(
                DNSQuestion(
                    name: name,
                    type: type,
                    recordClass: rawClass & 0x7FFF,
                    unicastResponse: rawClass & 0x8000 != 0
                )
            )
        }
        var sections: [[DNSRecord]] = []
        for count in [answerCount, authorityCount, additionalCount] {
            var records: [DNSRecord] = []
            for _ in 0..<count { records.append(try reader.record()) }
            sections.append(records)
        }
        self.init(
            id: id,
            flags: flags,
            questions: questions,
            answers: sections[0],
            authorities: sections[1],
            additionals: sections[2]
        )
    }
}

/// A bounds-checked cursor over one DNS message.
struct DNSReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func u8() throws(ShoalError) -> UInt8 {
        guard position < bytes.count else { throw Self.truncated() }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(ShoalError) -> UInt16 {
        UInt16(try u8()) << 8 | UInt16(try u8())
    }

    mutating func u32() throws(ShoalError) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func take(_ count: Int) throws(ShoalError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw Self.truncated() }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    static func truncated() -> ShoalError { ShoalError(.malformedInput, "DNS message is truncated") }

    /// Reads a possibly compressed name at the cursor and moves past it.
    mutating func name() throws(ShoalError) -> DNSName {
        var labels: [[UInt8]] = []
        var length = 1
        var cursor = position
        var jumps = 0
        var resumeAt: Int?
        // The lowest offset a pointer may target: strictly before the current label run.
        var limit = position
        while true {
            guard cursor < bytes.count else { throw Self.truncated() }
            let lengthByte = bytes[cursor]
            switch lengthByte & 0xC0 {
            case 0x00:
                if lengthByte == 0 {
                    position = resumeAt ?? cursor + 1
                    return try DNSName(labels: labels)
                }
                let count = Int(lengthByte)
                guard cursor + 1 + count <= bytes.count else { throw Self.truncated() }
                length += 1 + count
                guard length <= DNSName.maximumWireLength else {
                    throw ShoalError(.limitExceeded, "DNS name exceeds \(DNSName.maximumWireLength) bytes")
                }
                labels.append(Array(bytes[cursor + 1..<cursor + 1 + count]))
                cursor += 1 + count
            case 0xC0:
                guard cursor + 1 < bytes.count else { throw Self.truncated() }
                let target = Int(lengthByte & 0x3F) << 8 | Int(bytes[cursor + 1])
                jumps += 1
                guard jumps <= DNSMessage.maximumPointerJumps else {
                    throw ShoalError(
                        .limitExceeded,
                        "DNS name follows more than \(DNSMessage.maximumPointerJumps) pointers"
                    )
                }
                guard target < limit else {
                    throw ShoalError(.malformedInput, "DNS compression pointer to \(target) does not point backwards")
                }
                if resumeAt == nil { resumeAt = cursor + 2 }
                limit = target
                cursor = target
            default:
                throw ShoalError(.malformedInput, "DNS label type 0x\(String(lengthByte, radix: 16)) is not supported")
            }
        }
    }

    /// Reads one resource record.
    mutating func record() throws(ShoalError) -> DNSRecord {
        let owner = try name()
        let type = try u16()
        let rawClass = try u16()
        let ttl = try u32()
        let dataLength = Int(try u16())
        guard dataLength <= bytes.count - position else { throw Self.truncated() }
        let end = position + dataLength
        let data: DNSRecordData
        switch type {
        case DNSRecordType.ptr:
            data = .ptr(try name())
        case DNSRecordType.srv:
            let priority = try u16()
            let weight = try u16()
            let port = try u16()
            data = .srv(priority: priority, weight: weight, port: port, target: try name())
        case DNSRecordType.txt:
            var strings: [[UInt8]] = []
            while position < end {
                guard strings.count < DNSMessage.maximumTXTStrings else {
                    throw ShoalError(.limitExceeded, "TXT record has more than \(DNSMessage.maximumTXTStrings) strings")
                }
                let count = Int(try u8())
                guard position + count <= end else {
                    throw ShoalError(.malformedInput, "TXT string runs past the end of its record")
                }
                strings.append(try take(count))
            }
            data = .txt(strings)
        case DNSRecordType.a:
            guard dataLength == 4, let address = IPv4Address(bytes: try take(4)) else {
                throw ShoalError(.malformedInput, "A record has \(dataLength) bytes, not 4")
            }
            data = .a(address)
        case DNSRecordType.aaaa:
            guard dataLength == 16, let address = IPv6Address(bytes: try take(16)) else {
                throw ShoalError(.malformedInput, "AAAA record has \(dataLength) bytes, not 16")
            }
            data = .aaaa(address)
        default:
            data = .unknown(type: type, data: try take(dataLength))
        }
        guard position == end else {
            throw ShoalError(.malformedInput, "DNS record of type \(type) does not fill its \(dataLength) data bytes")
        }
        return DNSRecord(
            name: owner,
            ttl: ttl,
            data: data,
            recordClass: rawClass & 0x7FFF,
            cacheFlush: rawClass & 0x8000 != 0
        )
    }
}
