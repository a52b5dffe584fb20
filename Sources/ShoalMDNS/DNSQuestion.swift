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
