/// The type of a Kademlia message (`Message.MessageType`).
///
/// proto3 enums are open, so a value outside the six known ones decodes as ``unknown(_:)`` and it is the request
/// handler's job to reject it.
public enum KadMessageType: Hashable, Sendable, CustomStringConvertible {
    /// PUT_VALUE = 0: store a value record (the proto3 default, absent on the wire).
    case putValue
    /// GET_VALUE = 1: fetch a value record and closer peers.
    case getValue
    /// ADD_PROVIDER = 2: announce that the sender provides a key. No response.
    case addProvider
    /// GET_PROVIDERS = 3: fetch providers of a key and closer peers.
    case getProviders
    /// FIND_NODE = 4: fetch the peers closest to a key.
    case findNode
    /// PING = 5: deprecated; answered with an echo, never sent.
    case ping
    /// A type this library does not know.
    case unknown(Int)

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .putValue: 0
        case .getValue: 1
        case .addProvider: 2
        case .getProviders: 3
        case .findNode: 4
        case .ping: 5
        case .unknown(let value): value
        }
    }

    /// The type for a wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .putValue
        case 1: self = .getValue
        case 2: self = .addProvider
        case 3: self = .getProviders
        case 4: self = .findNode
        case 5: self = .ping
        default: self = .unknown(rawValue)
        }
    }

    /// The spec's name (`FIND_NODE`…).
    public var description: String {
        switch self {
        case .putValue: "PUT_VALUE"
        case .getValue: "GET_VALUE"
        case .addProvider: "ADD_PROVIDER"
        case .getProviders: "GET_PROVIDERS"
        case .findNode: "FIND_NODE"
        case .ping: "PING"
        case .unknown(let value): "UNKNOWN(\(value))"
        }
    }
}

/// A value record (`Record` of go-libp2p-record): a key, a value and the receiver's time of receipt.
public struct KadRecord: Hashable, Sendable {
    /// The record key, e.g. `/pk/<multihash>`.
    public var key: [UInt8]
    /// The value, interpreted by the validator of the key's namespace.
    public var value: [UInt8]
    /// RFC 3339 time at which the receiver got the record; empty when unset (it is not used by this module).
    public var timeReceived: String

    /// A record.
    public init(key: [UInt8], value: [UInt8], timeReceived: String = "") {
        self.key = key
        self.value = value
        self.timeReceived = timeReceived
    }
}

/// A Kademlia DHT message (`Message` of `/ipfs/kad/1.0.0`), requests and responses alike.
public struct KadMessage: Hashable, Sendable {
    /// The message type.
    public var type: KadMessageType
    /// The key: a peer ID (FIND_NODE), a multihash (providers) or a record key (values).
    public var key: [UInt8]
    /// The record (PUT_VALUE request and echo, GET_VALUE response).
    public var record: KadRecord?
    /// Peers closer to the key (responses).
    public var closerPeers: [KadPeerInfo]
    /// Providers of the key (GET_PROVIDERS response, ADD_PROVIDER request).
    public var providerPeers: [KadPeerInfo]
    /// `clusterLevelRaw` (field 10): unused by every implementation, kept so that it round-trips.
    public var clusterLevelRaw: Int32

    /// A message.
    public init(
        type: KadMessageType,
        key: [UInt8] = [],
        record: KadRecord? = nil,
        closerPeers: [KadPeerInfo] = [],
        providerPeers: [KadPeerInfo] = [],
        clusterLevelRaw: Int32 = 0
    ) {
        self.type = type
        self.key = key
        self.record = record
        self.closerPeers = closerPeers
        self.providerPeers = providerPeers
        self.clusterLevelRaw = clusterLevelRaw
    }
}
