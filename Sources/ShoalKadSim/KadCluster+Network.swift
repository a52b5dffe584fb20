import ShoalKademlia
import ShoalTestKit

// MARK: - Requests and replies

extension KadCluster {
    /// Sends one request with its deadline timer. A peer without one of our addresses fails at once (as a dial
    /// with no usable address does).
    func send(_ message: KadMessage, from slot: Int, to peer: KadPeerInfo, kind: PendingRequest.Kind, attempt: Int = 1)
    {
        guard let sender = nodes[slot]?.id else { return }
        let id = nextID
        nextID += 1
        let target = peer.addresses.lazy.compactMap(Self.slot(of:)).first { $0 < self.slotCount }
        pending[id] = PendingRequest(origin: slot, peer: peer.id, slot: target, kind: kind, attempt: attempt)
        counters.requests += 1
        // Nothing is sent to an empty slot (it would be dropped on arrival; a slot stays empty far longer than
        // any latency).
        if let target, nodes[target] != nil {
            transmit(.request(id: id, sender: sender, expected: peer.id, message: message), from: slot, to: target)
        } else if let target, configuration.crashModel == .refuses {
            // The host of a crashed node resets the connection attempt: one round trip.
            let oneWay = configuration.latency.sample(&sim.random) + accessDelays[slot] + accessDelays[target]
            at(sim.now + 2 * oneWay) { cluster in cluster.connectionRefused(id) }
        }
        let deadline = target == nil ? sim.now : sim.now + Self.nanoseconds(configuration.lookup.requestTimeout)
        // ADD_PROVIDER has no reply: its pending entry only lives until this timer.
        sim.schedule(node: slot, at: deadline, tag: id)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    // MARK: - Events

    func handle(_ event: NetworkSimulator<UInt32>.Event) {
        switch event {
        case .action(let tag):
            if let body = actions.removeValue(forKey: tag) { body(self) }
        case .timer(let slot, let tag):
            if tag & maintenanceFlag != 0 {
                if nodes[slot]?.maintenanceTag == tag { maintain(slot) }
            } else if let request = pending.removeValue(forKey: tag) {
                timedOut(request)
            }
        case .deliver(let to, let from, let handle):
            guard let message = take(handle) else { return }
            switch message {
            case .request(let id, let sender, let expected, let request):
                serve(request, id: id, sender: sender, expected: expected, at: to, from: from)
            case .response(let id, let reply):
                guard let request = pending.removeValue(forKey: id), request.origin == to else { return }
                answered(request, reply: reply, from: from)
            case .refused(let id, let actual):
                guard let request = pending.removeValue(forKey: id), request.origin == to else { return }
                refused(request, actual: actual, from: from)
            }
        }
    }

    /// The server side: the identity check a security handshake makes, the routing-table update for the sender,
    /// and the request handler.
    private func serve(
        _ request: KadMessage,
        id: UInt64,
        sender: KadPeerID,
        expected: KadPeerID,
        at slot: Int,
        from: Int
    ) {
        guard let node = nodes[slot] else { return }
        guard node.id == expected else {
            transmit(.refused(id: id, actual: node.id), from: slot, to: from)
            return
        }
        seen(sender, at: from, by: slot)
        let response: KadServer.Response
        do {
            response = try nodes[slot]!.server.respond(to: request, from: sender, now: kadNow)
        } catch {
            counters.handlerErrors += 1
            transmit(.refused(id: id, actual: nil), from: slot, to: from)
            return
        }
        guard let reply = response.message else { return }
        if !reply.closerPeers.isEmpty {
            counters.listingReplies += 1
            counters.listedPeers += reply.closerPeers.count
        }
        transmit(.response(id: id, message: reply), from: slot, to: from)
        // Responder hygiene: entries handed out that were not heard from lately get a liveness check.
        for peer in response.entriesToVerify {
            guard let entry = nodes[slot]!.server.routingTable.entry(for: peer) else { continue }
            counters.livenessChecks += 1
            counters.hygieneChecks += 1
            send(KadMessage(type: .ping, key: []), from: slot, to: entry.peerInfo, kind: .liveness)
        }
    }

    private func answered(_ request: PendingRequest, reply: KadMessage, from: Int) {
        guard nodes[request.origin] != nil else { return }
        seen(request.peer, at: from, by: request.origin)
        switch request.kind {
        case .lookup(let lookup):
            advance(lookup) { machine, now in machine.received(reply, from: request.peer, now: now) }
        case .liveness:
            nodes[request.origin]!.server.routingTable.livenessCheckSucceeded(request.peer, now: kadNow)
        case .announce:
            break
        }
    }

    private func refused(_ request: PendingRequest, actual: KadPeerID?, from: Int) {
        guard nodes[request.origin] != nil else { return }
        if let actual {
            // Entry correction: the address now belongs to `actual`.
            counters.identityMismatches += 1
            let result = nodes[request.origin]!.server.routingTable.peerAnswered(
                as: actual,
                insteadOf: request.peer,
                addresses: addresses[from],
                isServer: true,
                now: kadNow
            )
            checkLivenessIfAsked(result, by: request.origin)
        }
        failed(request, timedOut: false)
    }

    /// The host at a crashed node's address refused the connection: a definitive failure, the peer leaves the
    /// requester's routing table at once (``KadRoutingTable/peerUnreachable(_:)``).
    func connectionRefused(_ id: UInt64) {
        guard let request = pending.removeValue(forKey: id), nodes[request.origin] != nil else { return }
        counters.connectionsRefused += 1
        nodes[request.origin]!.server.routingTable.peerUnreachable(request.peer)
        failed(request, timedOut: false)
    }

    private func timedOut(_ request: PendingRequest) {
        guard nodes[request.origin] != nil else { return }
        if case .announce = request.kind { return }
        counters.timeouts += 1
        // A liveness check gets as many attempts as a lookup request (simulated loss drops whole messages, where
        // a stream transport would retransmit).
        if case .liveness = request.kind, request.attempt < configuration.lookup.maximumAttempts,
            let entry = nodes[request.origin]!.server.routingTable.entry(for: request.peer)
        {
            let ping = KadMessage(type: .ping, key: [])
            send(ping, from: request.origin, to: entry.peerInfo, kind: .liveness, attempt: request.attempt + 1)
            return
        }
        if configuration.checkUnresponsivePeers, case .lookup = request.kind,
            let entry = nodes[request.origin]!.server.routingTable.entry(for: request.peer)
        {
            // A lookup request timed out: the peer may be gone, or one message was lost. It leaves the routing
            // table only if a liveness check fails too; until then it is a suspect.
            counters.livenessChecks += 1
            nodes[request.origin]!.server.routingTable.livenessCheckStarted(request.peer, now: kadNow)
            send(KadMessage(type: .ping, key: []), from: request.origin, to: entry.peerInfo, kind: .liveness)
        }
        failed(request, timedOut: true)
    }

    private func failed(_ request: PendingRequest, timedOut: Bool) {
        switch request.kind {
        case .lookup(let lookup):
            advance(lookup) { machine, now in machine.failed(request.peer, timedOut: timedOut, now: now) }
        case .liveness:
            counters.livenessFailures += 1
            if slotByID[request.peer] != nil { counters.falseEvictions += 1 }
            nodes[request.origin]?.server.routingTable.livenessCheckFailed(request.peer, now: kadNow)
        case .announce:
            break
        }
    }
}
