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
