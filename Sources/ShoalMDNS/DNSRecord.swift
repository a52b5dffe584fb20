public import ShoalMultiformats

/// DNS record types used by mDNS (RFC 1035, RFC 2782, RFC 3596).
public enum DNSRecordType {
    /// IPv4 host address.
    public static let a: UInt16 = 1
    /// Domain name pointer.
    public static let ptr: UInt16 = 12
    /// Text strings.
    public static let txt: UInt16 = 16
    /// IPv6 host address.
    public static let aaaa: UInt16 = 28
    /// Service location.
    public static let srv: UInt16 = 33
    /// Any type (queries only).
    public static let any: UInt16 = 255
}

/// The class `IN`.
public let dnsClassIN: UInt16 = 1

/// One question of a DNS message.
public struct DNSQuestion: Hashable, Sendable {
    /// The name asked about.
    public var name: DNSName
    /// The type asked for (``DNSRecordType``).
    public var type: UInt16
    /// The class without the top bit (1 = IN).
    public var recordClass: UInt16
    /// The mDNS "unicast response requested" bit (top bit of the class).
    public var unicastResponse: Bool

    /// A question.
    public init(name: DNSName, type: UInt16, recordClass: UInt16 = dnsClassIN, unicastResponse: Bool = false) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.unicastResponse = unicastResponse
    }
}

/// The data of a resource record.
public enum DNSRecordData: Hashable, Sendable {
    /// A pointer to another name.
    case ptr(DNSName)
    /// Character strings (each at most 255 bytes).
    case txt([[UInt8]])
    /// A service location.
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    /// An IPv4 address.
    case a(IPv4Address)
    /// An IPv6 address.
    case aaaa(IPv6Address)
    /// Any other type, kept as raw bytes (names inside are not decompressed).
    case unknown(type: UInt16, data: [UInt8])

    /// The record type of this data.
    public var type: UInt16 {
        switch self {
        case .ptr: DNSRecordType.ptr
        case .txt: DNSRecordType.txt
        case .srv: DNSRecordType.srv
        case .a: DNSRecordType.a
        case .aaaa: DNSRecordType.aaaa
        case .unknown(let type, _): type
        }
    }
}

/// One resource record (answer, authority or additional).
public struct DNSRecord: Hashable, Sendable {
    /// The owner name.
    public var name: DNSName
    /// The class without the top bit (1 = IN).
    public var recordClass: UInt16
    /// The mDNS cache-flush bit (top bit of the class).
    public var cacheFlush: Bool
    /// Time to live in seconds; 0 is an mDNS goodbye.
    public var ttl: UInt32
    /// The typed data.
    public var data: DNSRecordData

    /// A record.
    public init(
        name: DNSName,
        ttl: UInt32,
        data: DNSRecordData,
        recordClass: UInt16 = dnsClassIN,
        cacheFlush: Bool = false
    ) {
        self.name = name
        self.recordClass = recordClass
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.data = data
    }

    /// The record type.
    public var type: UInt16 { data.type }
}

/// A DNS message (RFC 1035 §4.1) as mDNS uses it.
public struct DNSMessage: Hashable, Sendable {
    /// The largest packet accepted or produced (RFC 6762 §17: 9,000 bytes).
    public static let maximumPacketSize = 9000
    /// The most questions accepted in one message.
    public static let maximumQuestions = 64
    /// The most records accepted in one message, all sections together.
    public static let maximumRecords = 256
    /// The most character strings accepted in one TXT record.
    public static let maximumTXTStrings = 64
    /// The most compression pointers followed while reading one name.
    public static let maximumPointerJumps = 32

    /// The transaction ID (mDNS uses 0; ignored on receipt).
    public var id: UInt16
    /// The flags word (`0x8400` for an authoritative response, 0 for a query).
    public var flags: UInt16
    /// The questions.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSRecord]
    /// The authority section.
    public var authorities: [DNSRecord]
    /// The additional section.
    public var additionals: [DNSRecord]

    /// A message.
    public init(
        id: UInt16 = 0,
        flags: UInt16 = 0,
        questions: [DNSQuestion] = [],
        answers: [DNSRecord] = [],
        authorities: [DNSRecord] = [],
        additionals: [DNSRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// Whether the QR bit is set (a response).
    public var isResponse: Bool { flags & 0x8000 != 0 }

    /// The flags of an authoritative mDNS response.
    public static let responseFlags: UInt16 = 0x8400

    /// Every record of every section.
    public var allRecords: [DNSRecord] { answers + authorities + additionals }
}
