import Logging
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalSWIM
import ShoalTransport
import Synchronization

// MARK: - Push-pull and fallback ping over host streams

/// Each side of `/shoal/swim/pushpull/1.0.0` writes, in order:
/// ```
/// uvarint length | proof    (empty without a cluster key; else a sealed datagram from the writer, proving
///                            it holds a cluster key: its sender must be the stream's remote peer)
/// u32 length | push-pull state  (SWIM.WireCodec push-pull encoding; bounded by maxPushPullBytes)
/// ```
/// The initiator writes first and half-closes; the responder merges, then answers with its own state.
/// `/shoal/swim/ping/1.0.0` is one length-prefixed request (the target's u64 uid, big-endian) answered with the same
/// 8 bytes by the member with that uid (any other start of it resets the stream).
extension SWIMService {
    static let maxProofBytes = SWIM.PacketSecurity.maxDatagramByteCount

    func registerProtocols() {
        host.register(Self.pushPullProtocol, options: ProtocolOptions(maximumInboundStreamsPerPeer: 2)) {
            [weak self] stream in
            guard let self else { throw ShoalError(.closed, "SWIM service is gone") }
            try await self.servePushPull(stream)
        }
        let uid = self.uid
        host.registerRequestHandler(
            Self.pingProtocol,
            maximumRequestLength: 8,
            options: ProtocolOptions(maximumInboundStreamsPerPeer: 4)
        ) { _, request in
            guard request == Self.uidBytes(uid) else {
                throw ShoalError(.invalidArgument, "fallback ping for another member identity")
            }
            return request
        }
    }

    static func uidBytes(_ uid: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: uid >> UInt64(56 - 8 * $0)) }
    }

    // MARK: - Serving

    private func servePushPull(_ stream: ShoalStream) async throws {
        let admitted = state.withLock { s in
            guard s.pushPullsIn < configuration.maxConcurrentPushPulls, s.phase == .running else { return false }
            s.pushPullsIn += 1
            return true
        }
        guard admitted else {
            state.withLock { $0.statistics.pushPullsRefused += 1 }
            throw ShoalError(.limitExceeded, "too many SWIM push-pulls at once")
        }
        defer { state.withLock { $0.pushPullsIn -= 1 } }
        do {
            let remote = try await withDeadline(configuration.pushPullTimeout) {
                try await self.readSide(of: stream)
            }
            let now = self.now()
            let (reply, directives) = try state.withLock { s -> (SWIM.PushPullState, [SWIM.Directive]) in
                guard s.instance != nil else { throw ShoalError(.closed, "SWIM service stopped") }
                var reply: SWIM.PushPullState?
                let directives = s.drive { instance in
                    let answer = instance.answerPushPull(remote, now: now)
                    reply = answer.reply
                    return answer.directives
                }
                s.statistics.pushPullsServed += 1
                return (reply!, directives)
            }
            perform(directives)
            let frame = try SWIM.WireCodec.encodeFrame(reply)
            let proof = try makeProof()
            try await withDeadline(configuration.pushPullTimeout) {
                try await stream.writeMessage(proof)
                try await stream.write(frame)
            }
        } catch {
            state.withLock { $0.statistics.pushPullsRefused += 1 }
            logger.debug("swim push-pull refused", metadata: ["peer.id": "\(stream.remotePeer)", "error": "\(error)"])
            throw error
        }
    }

    /// Reads and checks the proof and the state the remote side wrote.
    private func readSide(of stream: ShoalStream) async throws -> SWIM.PushPullState {
        guard let proof = try await stream.readMessage(maximumLength: Self.maxProofBytes) else {
            throw ShoalError(.closed, "SWIM push-pull stream closed before the proof")
        }
        try checkProof(proof, from: stream.remotePeer)
        let header = try await stream.readExactly(4)
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length <= configuration.maxPushPullBytes else {
            throw ShoalError(
                .limitExceeded,
                "SWIM push-pull of \(length) bytes exceeds \(configuration.maxPushPullBytes)"
            )
        }
        let body = try await stream.readExactly(length)
        guard let (remote, _) = try SWIM.WireCodec.decodeFrame(header + body) else {
            throw ShoalError(.malformedInput, "SWIM push-pull frame is incomplete")
        }
        guard (try? PeerID(bytes: remote.sender.peerIDBytes)) == stream.remotePeer else {
            throw ShoalError(.authenticationFailed, "SWIM push-pull state is not from the stream's peer")
        }
        return remote
    }

    /// A sealed datagram from this member (cluster-key mode), or nothing.
    private func makeProof() throws -> [UInt8] {
        guard configuration.keyring != nil else { return [] }
        return try state.withLock { s in
            guard let node = s.instance?.node,
                let proof = try s.secure({ try $0.seal(SWIM.Packet(sender: node, messages: [.nack(sequence: 0)])) })
            else { throw ShoalError(.closed, "SWIM service stopped") }
            return proof
        }
    }

    private func checkProof(_ proof: [UInt8], from peer: PeerID) throws {
        guard configuration.keyring != nil else { return }
        let sender = state.withLock { s -> SWIM.NodeID? in
            s.secure { $0.open(proof)?.sender }
        }
        guard let sender, (try? PeerID(bytes: sender.peerIDBytes)) == peer else {
            throw ShoalError(.authenticationFailed, "SWIM push-pull proof does not open with the cluster keys")
        }
    }

    // MARK: - Initiating

    /// Runs one push-pull with the host at `address` (with `/p2p`), merging the reply.
    func exchange(with address: Multiaddr, join: Bool) async throws {
        let pushState = try state.withLock { s in
            guard let instance = s.instance else { throw ShoalError(.closed, "SWIM service stopped") }
            return instance.makePushPullState(join: join)
        }
        try await exchange(with: address, state: pushState)
    }

    func exchange(with address: Multiaddr, state pushState: SWIM.PushPullState) async throws {
        let frame = try SWIM.WireCodec.encodeFrame(pushState)
        let proof = try makeProof()
        let remote = try await withDeadline(configuration.pushPullTimeout) {
            let peer = try await self.host.connect(address)
            let stream = try await self.host.newStream(to: peer, protocols: [Self.pushPullProtocol])
            do {
                try await stream.writeMessage(proof)
                try await stream.write(frame)
                stream.closeWrite()
                return try await self.readSide(of: stream)
            } catch {
                stream.reset()
                throw error
            }
        }
        let now = self.now()
        let directives = state.withLock { s -> [SWIM.Directive] in
            s.statistics.pushPullsCompleted += 1
            return s.drive { $0.mergeRemoteState(remote, now: now) }
        }
        perform(directives)
    }

    /// The instance's periodic push-pull with a member.
    func startPushPull(with node: SWIM.NodeID, at member: MemberAddress, state pushState: SWIM.PushPullState) {
        guard let peer = try? PeerID(bytes: node.peerIDBytes), let tcp = member.tcpMultiaddr,
            let address = try? tcp.encapsulate(Multiaddr.Component.p2p(peer.bytes))
        else { return }
        guard reserve(\.pushPullsOut, limit: configuration.maxConcurrentPushPulls) else { return }
        let spawned = spawn {
            defer { self.state.withLock { $0.pushPullsOut -= 1 } }
            do { try await self.exchange(with: address, state: pushState) } catch {
                self.state.withLock { $0.statistics.pushPullsFailed += 1 }
                self.logger.debug("swim push-pull failed", metadata: ["peer.id": "\(peer)", "error": "\(error)"])
            }
        }
        if !spawned { state.withLock { $0.pushPullsOut -= 1 } }
    }

    /// The fallback ping of a probe whose direct UDP ping timed out.
    func startStreamPing(_ node: SWIM.NodeID, at member: MemberAddress, sequence: UInt32) {
        guard let peer = try? PeerID(bytes: node.peerIDBytes), let tcp = member.tcpMultiaddr else { return }
        guard reserve(\.streamPings, limit: configuration.maxConcurrentStreamPings) else { return }
        let timeout = configuration.pushPullTimeout
        let spawned = spawn {
            defer { self.state.withLock { $0.streamPings -= 1 } }
            self.host.peerStore.addAddresses([tcp], for: peer)
            self.state.withLock { $0.statistics.streamPingsSent += 1 }
            do {
                // Bounded by the stream deadline, not by the probe: a dial or request cut at the probe's end would start
                // over at every probe and never finish on a slow machine. The instance ignores an answer that comes
                // after the probe ended, but a late answer from a member we now suspect still triggers the push-pull
                // below, which lets it refute.
                try await withDeadline(timeout) { try await self.host.connect(to: peer) }
                let answer = try await self.host.request(
                    peer,
                    protocol: Self.pingProtocol,
                    Self.uidBytes(node.uid),
                    maximumResponseLength: 8,
                    timeout: timeout
                )
                guard answer == Self.uidBytes(node.uid) else { return }
                let now = self.now()
                let (directives, followUp) = self.state.withLock { s -> ([SWIM.Directive], SWIM.PushPullState?) in
                    s.statistics.streamPingsAnswered += 1
                    let d = s.drive { $0.streamPingSucceeded(sequence: sequence, now: now) }
                    // A suspect that answers over the stream cannot hear the suspicion over UDP: tell it with a
                    // push-pull (it merges our state, refutes, and its reply carries the refutation back).
                    guard s.instance?.status(of: node) == .suspect else { return (d, nil) }
                    return (d, s.instance?.makePushPullState(join: false))
                }
                self.perform(directives)
                if let followUp { self.startPushPull(with: node, at: member, state: followUp) }
            } catch {
                self.logger.debug("swim fallback ping failed", metadata: ["peer.id": "\(peer)", "error": "\(error)"])
            }
        }
        if !spawned { state.withLock { $0.streamPings -= 1 } }
    }

    /// Counts one more job of a kind, unless `limit` are in flight (then it is counted as dropped).
    private func reserve(_ counter: WritableKeyPath<State, Int>, limit: Int) -> Bool {
        state.withLock { s in
            guard s[keyPath: counter] < limit else {
                s.statistics.streamJobsDropped += 1
                return false
            }
            s[keyPath: counter] += 1
            return true
        }
    }

    // MARK: - Join and re-join

    /// A push-pull join with every seed; joined once one answers.
    func joinSeeds() async {
        defer { state.withLock { $0.joinInFlight = false } }
        let own = host.dialableAddresses
        var succeeded = false
        await withTaskGroup(of: Bool.self) { group in
            for seed in configuration.seeds where !own.contains(seed) && seed.peerIDBytes != peerID.bytes {
                group.addTask {
                    do {
                        try await self.exchange(with: seed, join: true)
                        return true
                    } catch {
                        self.state.withLock { $0.statistics.pushPullsFailed += 1 }
                        self.logger.debug("swim join failed", metadata: ["swim.seed": "\(seed)", "error": "\(error)"])
                        return false
                    }
                }
            }
            for await ok in group where ok { succeeded = true }
        }
        if succeeded {
            state.withLock { $0.joined = true }
            logger.debug("swim joined")
        }
    }

    /// Heals partitions: while some retained member is dead, or nobody is alive, push-pull with the seeds and with
    /// up to three dead members (a member that sees its own death in our state refutes it at once).
    func rejoinIfNeeded() {
        let all = members
        let dead = all.filter { $0.status == .dead }
        let alive = all.contains { $0.status == .alive || $0.status == .suspect }
        guard !dead.isEmpty || !alive else { return }
        var targets: [Multiaddr] = configuration.seeds.filter { $0.peerIDBytes != peerID.bytes }
        for member in dead.shuffled().prefix(3) {
            if let address = member.hostAddress, !targets.contains(address) { targets.append(address) }
        }
        for target in targets {
            guard reserve(\.pushPullsOut, limit: configuration.maxConcurrentPushPulls) else { return }
            let spawned = spawn {
                defer { self.state.withLock { $0.pushPullsOut -= 1 } }
                do { try await self.exchange(with: target, join: false) } catch {
                    self.state.withLock { $0.statistics.pushPullsFailed += 1 }
                }
            }
            if !spawned { state.withLock { $0.pushPullsOut -= 1 } }
        }
    }
}
