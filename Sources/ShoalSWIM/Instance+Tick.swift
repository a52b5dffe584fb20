// MARK: - Timers and the probe cycle

extension SWIM.Instance {
    /// Handles everything due at `now`: probe timeouts, indirect probes, suspicion timeouts, the next probe,
    /// the gossip round, push-pull and reaping.
    /// - Parameter now: the current time.
    /// - Returns: what to do; the last directive is always a ``SWIM/Directive/wake(at:)``.
    public mutating func tick(now: SWIM.Time) -> [SWIM.Directive] {
        var out: [SWIM.Directive] = []
        expireRelays(now: now, into: &out)
        advanceProbe(now: now, into: &out)
        expireSuspicions(now: now, into: &out)
        if !hasLeft, now >= nextProbeAt { startProbe(now: now, into: &out) }
        if now >= nextGossipAt {
            gossipRound(now: now, into: &out)
            let interval = settings.gossipInterval.swimNanoseconds
            nextGossipAt = max(nextGossipAt &+ interval, now &+ 1)
        }
        if !hasLeft, now >= nextPushPullAt {
            let base = settings.pushPullInterval.swimNanoseconds
            nextPushPullAt = now &+ SWIM.Lifeguard.pushPullInterval(base: base, members: clusterSize)
            startPushPull(now: now, into: &out)
        }
        if now >= nextReapAt {
            reap(now: now, into: &out)
            nextReapAt = now &+ settings.gossipToTheDeadTime.swimNanoseconds
        }
        out.append(.wake(at: nextDeadline))
        return out
    }

    // MARK: - Probing

    mutating func startProbe(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        nextProbeAt = now &+ scaled(settings.probeInterval)
        guard let target = nextProbeTarget(now: now), let m = table[target] else { return }
        let seq = nextSequence()
        counters.probes += 1
        probe = Probe(
            target: target,
            sequence: seq,
            directDeadline: now &+ scaled(settings.probeTimeout),
            end: nextProbeAt
        )
        var primary: [SWIM.Message] = [.ping(sequence: seq, target: target)]
        // Buddy system: tell a suspect it is suspected, in the same datagram as the ping.
        if settings.lifeguard, m.status == .suspect, let s = m.suspicion {
            primary.append(.suspect(SWIM.Claim(node: target, incarnation: m.record.incarnation, from: s.accuser)))
        }
        let exclude: SWIM.NodeID? = primary.count > 1 ? target : nil
        out.append(.send(makePacket(primary, excluding: exclude), to: m.record.address, node: target))
    }

    /// The next member in the randomized round-robin order (skipping dead and left ones); reshuffles on wrap.
    mutating func nextProbeTarget(now: SWIM.Time) -> SWIM.NodeID? {
        guard !probeOrder.isEmpty else { return nil }
        for _ in 0...probeOrder.count {
            if probeIndex >= probeOrder.count {
                probeIndex = 0
                probeOrder.shuffle(using: &random)
            }
            let id = probeOrder[probeIndex]
            probeIndex += 1
            if let m = table[id], m.status == .alive || m.status == .suspect { return id }
        }
        return nil
    }

    mutating func advanceProbe(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard var p = probe else { return }
        if !p.acked, !p.indirectSent, now >= p.directDeadline {
            p.indirectSent = true
            if let target = table[p.target] {
                let helpers = sample(settings.indirectChecks) { m in
                    m.status == .alive && m.record.node != p.target
                }
                p.expectedNacks = settings.lifeguard ? helpers.count : 0
                for h in helpers {
                    guard let hm = table[h] else { continue }
                    counters.pingRequestsSent += 1
                    let request = SWIM.Message.pingRequest(
                        sequence: p.sequence,
                        target: p.target,
                        targetAddress: target.record.address,
                        wantsNack: settings.lifeguard
                    )
                    out.append(.send(makePacket([request], excluding: nil), to: hm.record.address, node: h))
                }
                if settings.streamFallbackPing {
                    out.append(.streamPing(to: target.record.address, node: p.target, sequence: p.sequence))
                }
            }
        }
        probe = p
        guard now >= p.end else { return }
        probe = nil
        if p.acked { return }
        counters.failedProbes += 1
        // Lifeguard: each missing nack is evidence that we, not the target, are in trouble.
        if p.expectedNacks > 0 {
            adjustAwareness(max(0, p.expectedNacks - p.nacks))
        } else {
            adjustAwareness(1)
        }
        guard let m = table[p.target], m.status == .alive || m.status == .suspect else { return }
        counters.suspicionsRaised += 1
        applySuspect(SWIM.Claim(node: p.target, incarnation: m.record.incarnation, from: node), now: now, into: &out)
    }

    /// The stream fallback ping of a probe or of a last-chance probe (``SWIM/Directive/streamPing(to:node:sequence:)``)
    /// was answered: the target counts as alive for that probe, as if it had acked.
    /// - Parameters:
    ///   - sequence: the sequence number of the directive.
    ///   - now: the current time.
    /// - Returns: a wake-up (nothing else); an answer for a probe that already ended is ignored.
    public mutating func streamPingSucceeded(sequence: UInt32, now: SWIM.Time) -> [SWIM.Directive] {
        if let p = probe, p.sequence == sequence, !p.acked, probeAcked(sequence: sequence) {
            counters.streamFallbackAcks += 1
        } else if verificationAcked(sequence: sequence, now: now) {
            counters.streamFallbackAcks += 1
        }
        return [.wake(at: nextDeadline)]
    }

    mutating func probeAcked(sequence: UInt32) -> Bool {
        guard var p = probe, p.sequence == sequence else { return false }
        if !p.acked {
            p.acked = true
            probe = p
            adjustAwareness(-1)
        }
        return true
    }

    mutating func expireRelays(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard !relays.isEmpty else { return }
        // Sorted, so that the output order does not depend on the process's hash seed (deterministic runs).
        for seq in relays.keys.sorted() {
            guard let r = relays[seq], r.deadline <= now else { continue }
            relays[seq] = nil
            if r.wantsNack {
                counters.nacksSent += 1
                out.append(
                    .send(makePacket([.nack(sequence: r.originSequence)], excluding: nil), to: r.origin, node: nil)
                )
            }
        }
    }

    // MARK: - Suspicion timeouts

    mutating func expireSuspicions(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard !suspects.isEmpty else { return }
        var due: [SWIM.NodeID] = []
        for id in suspects {
            if let s = table[id]?.suspicion, s.deadline <= now { due.append(id) }
        }
        for id in due.sorted() {
            guard var m = table[id], m.status == .suspect, var s = m.suspicion else { continue }
            if settings.lifeguard, settings.verifyBeforeDeclaringDead, s.verifyDeadline == nil {
                s.verifyDeadline = now &+ scaled(settings.probeTimeout)
                m.suspicion = s
                table[id] = m
                startVerification(of: id, member: m, now: now, into: &out)
                continue
            }
            counters.deathsDeclared += 1
            applyDead(SWIM.Claim(node: id, incarnation: m.record.incarnation, from: node), now: now, into: &out)
        }
    }

    /// The last-chance probe before a death: a ping carrying the suspicion, plus ping requests, at once.
    mutating func startVerification(
        of id: SWIM.NodeID,
        member m: MemberState,
        now: SWIM.Time,
        into out: inout [SWIM.Directive]
    ) {
        let seq = nextSequence()
        if verifications.count >= settings.maxPendingRelays, let first = verifications.keys.min() {
            verifications[first] = nil
        }
        verifications[seq] = id
        counters.verifications += 1
        let claim = SWIM.Claim(node: id, incarnation: m.record.incarnation, from: m.suspicion?.accuser ?? node)
        let ping = makePacket([.ping(sequence: seq, target: id), .suspect(claim)], excluding: id)
        out.append(.send(ping, to: m.record.address, node: id))
        if settings.streamFallbackPing {
            out.append(.streamPing(to: m.record.address, node: id, sequence: seq))
        }
        let helpers = sample(settings.indirectChecks) { $0.status == .alive && $0.record.node != id }
        for h in helpers {
            guard let hm = table[h] else { continue }
            let request = SWIM.Message.pingRequest(
                sequence: seq,
                target: id,
                targetAddress: m.record.address,
                wantsNack: false
            )
            out.append(.send(makePacket([request], excluding: nil), to: hm.record.address, node: h))
        }
    }

    /// An ack to a last-chance probe: the suspect is reachable, so its suspicion starts over (it has been told).
    mutating func verificationAcked(sequence: UInt32, now: SWIM.Time) -> Bool {
        guard let id = verifications.removeValue(forKey: sequence) else { return false }
        if var m = table[id], m.status == .suspect, var s = m.suspicion {
            s.start = now
            s.confirmations = []
            s.verifyDeadline = nil
            m.suspicion = s
            table[id] = m
            counters.verificationsAnswered += 1
        }
        return true
    }

    // MARK: - Reaping

    /// Forgets dead and left members older than the gossip-to-the-dead time (keeping a tombstone for left ones).
    mutating func reap(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        let keep = settings.gossipToTheDeadTime.swimNanoseconds
        let tomb = settings.tombstoneTime.swimNanoseconds
        var removed = false
        for (id, m) in table where (m.status == .dead || m.status == .left) && now >= m.changedAt &+ keep {
            table[id] = nil
            // Only a departure is final. A reaped dead member may come back through a later record, as in
            // memberlist: that is how a healed partition re-merges when the shell re-joins through seeds.
            if m.status == .left { tombstones[id] = (m.record.incarnation, now &+ tomb) }
            removed = true
        }
        if removed {
            let current = probeIndex < probeOrder.count ? probeOrder[probeIndex] : nil
            probeOrder.removeAll { table[$0] == nil }
            probeIndex = current.flatMap { probeOrder.firstIndex(of: $0) } ?? probeOrder.count
        }
        for (id, t) in tombstones where t.expiry <= now { tombstones[id] = nil }
    }
}
