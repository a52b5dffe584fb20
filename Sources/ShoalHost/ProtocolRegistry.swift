public import ShoalCore
public import ShoalTransport
import Synchronization

/// A protocol handler: called with each inbound stream that negotiated its protocol.
///
/// When the handler returns, the host half-closes the stream (if the handler did not); when it throws, the host
/// resets it.
public typealias StreamHandler = @Sendable (ShoalStream) async throws -> Void

/// How a protocol is served.
public struct ProtocolOptions: Sendable {
    /// Accepts other protocol IDs too (for example every version of a protocol): exact IDs are tried first.
    public var matcher: (@Sendable (String) -> Bool)?
    /// The most inbound streams of this protocol open at once from one peer; more are reset.
    public var maximumInboundStreamsPerPeer: Int
    /// Whether identify announces the protocol (a DHT in client mode serves nothing and says nothing).
    public var announced: Bool

    /// Options with defaults: exact match only, 64 streams per peer, announced.
    public init(
        matcher: (@Sendable (String) -> Bool)? = nil,
        maximumInboundStreamsPerPeer: Int = 64,
        announced: Bool = true
    ) {
        self.matcher = matcher
        self.maximumInboundStreamsPerPeer = maximumInboundStreamsPerPeer
        self.announced = announced
    }
}

/// The protocols a host serves, and the per-protocol stream counts that enforce their limits.
final class ProtocolRegistry: Sendable {
    struct Entry: Sendable {
        var id: String
        var options: ProtocolOptions
        var handler: StreamHandler
        /// A built-in protocol whose handler runs on the connection's event loop (short, non-blocking work);
        /// user handlers run on the global executor.
        var onConnectionLoop = false
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var open: [StreamKey: Int] = [:]
    }

    private struct StreamKey: Hashable {
        var protocolID: String
        var peer: PeerID
    }

    private let state = Mutex(State())

    func register(
        _ id: String,
        options: ProtocolOptions,
        onConnectionLoop: Bool = false,
        handler: @escaping StreamHandler
    ) {
        state.withLock { s in
            if s.entries[id] == nil { s.order.append(id) }
            s.entries[id] = Entry(id: id, options: options, handler: handler, onConnectionLoop: onConnectionLoop)
        }
    }

    func unregister(_ id: String) {
        state.withLock { s in
            s.entries[id] = nil
            s.order.removeAll { $0 == id }
        }
    }

    /// Every registered protocol ID, in registration order.
    var protocolIDs: [String] { state.withLock { $0.order } }

    /// The protocol IDs identify announces.
    var announcedProtocolIDs: [String] {
        state.withLock { s in s.order.filter { s.entries[$0]?.options.announced ?? false } }
    }

    /// Whether some handler takes `id` (exactly or through a matcher).
    func accepts(_ id: String) -> Bool { entry(for: id) != nil }

    /// The handler for `id`: the exact registration first, then the first matcher that accepts it.
    func entry(for id: String) -> Entry? {
        state.withLock { s in
            if let exact = s.entries[id] { return exact }
            for key in s.order {
                if let entry = s.entries[key], let matcher = entry.options.matcher, matcher(id) { return entry }
            }
            return nil
        }
    }

    /// Counts one more inbound stream of `entry` from `peer`; false when the protocol's limit is reached.
    func acquire(_ entry: Entry, from peer: PeerID) -> Bool {
        state.withLock { s in
            let key = StreamKey(protocolID: entry.id, peer: peer)
            let count = s.open[key, default: 0]
            guard count < entry.options.maximumInboundStreamsPerPeer else { return false }
            s.open[key] = count + 1
            return true
        }
    }

    /// Releases a stream counted by ``acquire(_:from:)``.
    func release(_ entry: Entry, from peer: PeerID) {
        state.withLock { s in
            let key = StreamKey(protocolID: entry.id, peer: peer)
            let count = s.open[key, default: 1] - 1
            s.open[key] = count > 0 ? count : nil
        }
    }
}
