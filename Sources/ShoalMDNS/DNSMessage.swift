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
