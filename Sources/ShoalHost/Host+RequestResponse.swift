public import ShoalCore
import ShoalTransport

extension P2PHost {
    /// Serves a request/response protocol: each inbound stream carries one length-prefixed request, answered with
    /// one length-prefixed response.
    ///
    /// - Parameters:
    ///   - protocolID: the protocol, e.g. `/ipfs-datasets/analytics/1.0.0`.
    ///   - maximumRequestLength: a request announcing more bytes is refused (the stream is reset).
    ///   - options: stream limits and matching, as for ``register(_:options:handler:)``.
    ///   - handler: turns the request from `peer` into the response; throwing resets the stream.
    public func registerRequestHandler(
        _ protocolID: String,
        maximumRequestLength: Int = 1 << 20,
        options: ProtocolOptions = ProtocolOptions(),
        handler: @escaping @Sendable (_ peer: PeerID, _ request: [UInt8]) async throws -> [UInt8]
    ) {
        register(protocolID, options: options) { stream in
            guard let request = try await stream.readMessage(maximumLength: maximumRequestLength) else {
                throw ShoalError(.closed, "stream closed before the request")
            }
            let response = try await handler(stream.remotePeer, request)
            try await stream.writeMessage(response)
        }
    }

    /// Sends one length-prefixed request to `peer` and waits for its length-prefixed response.
    ///
    /// - Parameters:
    ///   - peer: the peer (connected, or reachable through the peer store's addresses).
    ///   - protocolID: the request/response protocol.
    ///   - request: the request bytes.
    ///   - maximumResponseLength: a longer response is refused with ``ShoalError/Code/limitExceeded``.
    ///   - timeout: the deadline for the whole exchange.
    /// - Returns: the response bytes.
    public func request(
        _ peer: PeerID,
        protocol protocolID: String,
        _ request: [UInt8],
        maximumResponseLength: Int = 1 << 20,
        timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        try await withDeadline(timeout) {
            let stream = try await self.newStream(to: peer, protocols: [protocolID])
            do {
                try await stream.writeMessage(request)
                stream.closeWrite()
                guard let response = try await stream.readMessage(maximumLength: maximumResponseLength) else {
                    throw ShoalError(.closed, "\(peer) closed the stream without a response")
                }
                return response
            } catch {
                stream.reset()
                throw error
            }
        }
    }
}
