package import ShoalCore
package import ShoalWire

/// A byte channel a multistream-select negotiation runs over (the raw socket, the Noise channel, a yamux stream).
package protocol NegotiationChannel {
    /// Writes bytes, in order.
    mutating func send(_ bytes: [UInt8]) async throws
    /// The next bytes received; throws when the channel ends.
    mutating func receive() async throws -> [UInt8]
}

/// Runs one multistream-select negotiation (either side) over `channel`, starting with bytes already received.
/// - Returns: the agreed protocol and the bytes read past the negotiation, which belong to the next protocol.
package func negotiate<N: MultistreamNegotiator, C: NegotiationChannel>(
    _ machine: inout N,
    initial: [UInt8] = [],
    over channel: inout C
) async throws -> (protocolID: String, leftover: [UInt8]) {
    try await channel.send(machine.start())
    var input = initial
    while true {
        if !input.isEmpty {
            for action in try machine.receive(input) {
                switch action {
                case .write(let bytes): try await channel.send(bytes)
                case .agreed(let protocolID, let rest): return (protocolID, rest)
                }
            }
        }
        input = try await channel.receive()
    }
}

/// A yamux stream as a negotiation channel.
package struct StreamNegotiationChannel: NegotiationChannel {
    let connection: MuxedConnection
    let id: YamuxStreamID

    package init(connection: MuxedConnection, id: YamuxStreamID) {
        self.connection = connection
        self.id = id
    }

    package mutating func send(_ bytes: [UInt8]) async throws { try await connection.write(id, bytes) }

    package mutating func receive() async throws -> [UInt8] {
        guard let bytes = try await connection.read(id, upTo: 4096) else {
            throw ShoalError(.negotiationFailed, "stream closed during protocol negotiation")
        }
        return bytes
    }
}
