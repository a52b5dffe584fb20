import Logging
import NIOCore
import ShoalCore
import ShoalSWIM
import Synchronization

// MARK: - Datagrams and directives

extension SWIMService {
    /// Handles one received datagram: test filter, per-source rate cap, packet security, then the instance.
    func receive(_ datagram: DatagramSocket.Datagram) {
        let now = self.now()
        let port = datagram.source.port ?? 0
        let source = "\(datagram.source.ipAddress ?? "?"):\(port)"
        let from = MemberAddress(source: datagram.source)?.swimAddress
        let directives = state.withLock { s -> [SWIM.Directive] in
            s.statistics.datagramsReceived += 1
            if let filter = s.filter, filter(port, true) {
                s.statistics.filtered += 1
                return []
            }
            guard s.limiter.admit(source, now: now) else {
                s.statistics.rateLimited += 1
                return []
            }
            guard let from, let packet = s.secure({ $0.open(datagram.bytes) }) else { return [] }
            s.statistics.datagramsAccepted += 1
            return s.drive { $0.receive(packet, from: from, now: now) }
        }
        perform(directives)
    }

    /// Performs the instance's directives: datagrams, push-pulls, fallback pings, events and the next wake-up.
    func perform(_ directives: [SWIM.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let packet, let to, _):
                send(packet, to: to)
            case .pushPull(let to, let node, let pushState):
                guard let node, let address = try? MemberAddress(swimAddress: to) else { continue }
                startPushPull(with: node, at: address, state: pushState)
            case .streamPing(let to, let node, let sequence):
                guard let address = try? MemberAddress(swimAddress: to), address.tcpPort != nil else { continue }
                startStreamPing(node, at: address, sequence: sequence)
            case .event(let event):
                guard let event = MembershipEvent(event) else { continue }
                logger.debug(
                    "swim member \(event.kind.rawValue)",
                    metadata: [
                        "swim.member": "\(event.member.peerID)", "swim.incarnation": "\(event.member.incarnation)",
                    ]
                )
                emit(event)
            case .wake:
                // Recorded with the directives, under the lock that produced them (State.drive).
                continue
            }
        }
    }

    /// Seals and sends one packet (a compound of the probe message and piggybacked gossip).
    func send(_ packet: SWIM.Packet, to address: SWIM.Address) {
        guard let member = try? MemberAddress(swimAddress: address), let target = member.udpSocketAddress else {
            state.withLock { $0.statistics.sendFailures += 1 }
            return
        }
        let prepared = state.withLock { s -> (DatagramSocket, [UInt8])? in
            guard let socket = s.socket else { return nil }
            if let filter = s.filter, filter(Int(member.udpPort), false) {
                s.statistics.filtered += 1
                return nil
            }
            guard let bytes = s.secure({ try? $0.seal(packet) }) else {
                s.statistics.sendFailures += 1
                return nil
            }
            s.statistics.datagramsSent += 1
            s.statistics.bytesSent += bytes.count
            return (socket, bytes)
        }
        guard let (socket, bytes) = prepared else { return }
        socket.send(bytes, to: target) { [weak self] in
            self?.state.withLock { $0.statistics.sendFailures += 1 }
        }
    }
}

// MARK: - Socket addresses

/// Socket-address helpers for the test hooks.
enum MemberAddressSocket {
    static func socketAddress(host: String, port: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: host, port: port)
    }
}
