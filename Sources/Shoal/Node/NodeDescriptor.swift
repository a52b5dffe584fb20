import Foundation
public import ShoalCore

/// What a node says about itself: its name, role, capabilities and region. It is the answer of
/// `/shoal/capabilities/1.0.0` (see ``NodeCapabilitiesProtocol``) and, once SWIM runs, the member metadata.
///
/// Capabilities are not put in identify: identify's `protocols` list must hold real protocol IDs, and its
/// `agentVersion` is free text other implementations show to people. A node that announces
/// `/shoal/capabilities/1.0.0` in identify is asked for its descriptor as soon as it is identified.
public struct NodeDescriptor: Sendable, Hashable, Codable {
    /// The message format version (``NodeCapabilitiesProtocol/version``).
    public var version: Int
    /// The node's peer ID (text).
    public var peer: String
    /// Its name (`distributed.node_id`, or its peer ID).
    public var nodeID: String
    /// Its role.
    public var role: NodeRole
    /// Its capabilities (`vector_search`, `high_memory`, … or any string).
    public var capabilities: [String]
    /// Its region; empty when unknown.
    public var region: String

    /// Creates a descriptor.
    public init(peer: PeerID, nodeID: String, role: NodeRole, capabilities: [String], region: String) {
        self.version = NodeCapabilitiesProtocol.version
        self.peer = peer.description
        self.nodeID = nodeID
        self.role = role
        self.capabilities = capabilities
        self.region = region
    }

    /// Whether the node has `capability`.
    public func has(_ capability: String) -> Bool { capabilities.contains(capability) }
}

/// `/shoal/capabilities/1.0.0`: one length-prefixed request (an empty JSON object `{}`) answered with one
/// length-prefixed JSON ``NodeDescriptor``.
public enum NodeCapabilitiesProtocol {
    /// The protocol ID.
    public static let protocolID = "/shoal/capabilities/1.0.0"
    /// The descriptor format version.
    public static let version = 1
    /// The longest request accepted.
    public static let maximumRequestLength = 64
    /// The longest response accepted (64 capabilities of 64 characters fit with room to spare).
    public static let maximumResponseLength = 8_192
    /// The most capabilities a descriptor may carry.
    public static let maximumCapabilities = 64

    /// Encodes a descriptor.
    public static func encodeResponse(_ descriptor: NodeDescriptor) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array(try encoder.encode(descriptor))
        guard bytes.count <= maximumResponseLength else {
            throw ShoalError(
                .limitExceeded,
                "a node descriptor of \(bytes.count) bytes exceeds \(maximumResponseLength)"
            )
        }
        return bytes
    }

    /// Decodes and checks a descriptor sent by `peer`.
    /// - Throws: ``ShoalCore/ShoalError`` `malformedInput` for bad JSON or an unknown version, `limitExceeded` for
    ///   too many or too long capabilities, `protocolViolation` when it describes another peer.
    public static func decodeResponse(_ bytes: [UInt8], from peer: PeerID) throws -> NodeDescriptor {
        guard bytes.count <= maximumResponseLength else {
            throw ShoalError(
                .limitExceeded,
                "a node descriptor of \(bytes.count) bytes exceeds \(maximumResponseLength)"
            )
        }
        let descriptor: NodeDescriptor
        do {
            descriptor = try JSONDecoder().decode(NodeDescriptor.self, from: Data(bytes))
        } catch {
            throw ShoalError(.malformedInput, "a node descriptor is not valid JSON: \(error)")
        }
        guard descriptor.version == version else {
            throw ShoalError(.malformedInput, "node descriptor version \(descriptor.version) is not \(version)")
        }
        guard descriptor.capabilities.count <= maximumCapabilities,
            descriptor.capabilities.allSatisfy({ $0.utf8.count <= 256 }),
            descriptor.nodeID.utf8.count <= 256, descriptor.region.utf8.count <= 256
        else {
            throw ShoalError(.limitExceeded, "a node descriptor has too many or too long fields")
        }
        guard descriptor.peer == peer.description else {
            throw ShoalError(.protocolViolation, "\(peer) sent the descriptor of \(descriptor.peer)")
        }
        return descriptor
    }
}
