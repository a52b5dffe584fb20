// MARK: - Receiving packets and applying state

extension SWIM.Instance {
    /// Handles an authenticated datagram (opened by ``SWIM/PacketSecurity``).
    /// - Parameters:
    ///   - packet: the decoded packet.
    ///   - address: where it came from (replies to unknown senders go there).
    ///   - now: the current time.
    /// - Returns: what to do; the last directive is always a ``SWIM/Directive/wake(at:)``.
    public mutating func receive(_ packet: SWIM.Packet, from address: SWIM.Address, now: SWIM.Time) -> [SWIM.Directive]
    {
        var out: [SWIM.Directive] = []
        if packet.sender != node {
            // Gossip first, so that an ack's piggybacked refutation is known before the ack is handled.
            for m in packet.messages where !m.isProbe { apply(m, now: now, into: &out) }
            for m in packet.messages where m.isProbe {
                handleProbeMessage(m, sender: packet.sender, from: address, now: now, into: &out)
            }
        }
        out.append(.wake(at: nextDeadline))
        return out
    }

    mutating func handleProbeMessage(
        _ message: SWIM.Message,
        sender: SWIM.NodeID,
        from address: SWIM.Address,
        now: SWIM.Time,
        into out: inout [SWIM.Directive]
    ) {
        switch message {
        case .ping(let seq, let target):
            guard target == node else {
                counters.misdirectedPings += 1
                return
            }
            let reply = table[sender]?.record.address ?? address
            out.append(.send(makePacket([.ack(sequence: seq)], excluding: nil), to: reply, node: sender))
        case .pingRequest(let seq, let target, let targetAddress, let wantsNack):
            guard target != node, relays.count < settings.maxPendingRelays else {
                counters.capacityDrops += 1
                return
            }
            let mySeq = nextSequence()
            let timeout = UInt64(Double(settings.probeTimeout.swimNanoseconds) * settings.indirectTimeoutFraction)
            relays[mySeq] = Relay(
                origin: table[sender]?.record.address ?? address,
                originSequence: seq,
                deadline: now &+ timeout,
                wantsNack: wantsNack
            )
            out.append(
                .send(
                    makePacket([.ping(sequence: mySeq, target: target)], excluding: nil),
                    to: targetAddress,
                    node: target
                )
            )
        case .ack(let seq):
            if probeAcked(sequence: seq) || verificationAcked(sequence: seq, now: now) { return }
            if let r = relays.removeValue(forKey: seq) {
                out.append(
                    .send(makePacket([.ack(sequence: r.originSequence)], excluding: nil), to: r.origin, node: nil)
                )
            }
        case .nack(let seq):
            if var p = probe, p.sequence == seq {
                p.nacks += 1
                probe = p
                counters.nacksReceived += 1
            }
        case .record, .suspect, .dead:
            break
        }
    }

    mutating func apply(_ message: SWIM.Message, now: SWIM.Time, into out: inout [SWIM.Directive]) {
        switch message {
        case .record(let r): applyRecord(r, now: now, into: &out)
        case .suspect(let c): applySuspect(c, now: now, into: &out)
        case .dead(let c): applyDead(c, now: now, into: &out)
        default: break
        }
    }

    // MARK: - Records (signed by their member)

    mutating func applyRecord(_ r: SWIM.MemberRecord, now: SWIM.Time, into out: inout [SWIM.Directive]) {
        if r.node == node {
            // Our own record coming back: nothing to learn (nobody else can sign a newer one).
            if r.incarnation > incarnation, !r.hasValidSignature { counters.forgedRecords += 1 }
            return
        }
        if let t = tombstones[r.node], r.incarnation <= t.incarnation || r.state == .left {
            counters.staleMessages += 1
            return
        }
        guard let m = table[r.node] else {
            addMember(r, now: now, into: &out)
            return
        }
        // An identical copy (such as the record an idle ping carries) is neither news nor stale.
        if r == m.record { return }
        if r.incarnation < m.record.incarnation || m.status == .left {
            counters.staleMessages += 1
            return
        }
        if r.incarnation == m.record.incarnation {
            // Same incarnation: only a "left" announcement (which supersedes "alive") adds anything.
            guard r.state == .left, r != m.record else {
                counters.staleMessages += 1
                return
            }
        }
        guard r.hasValidSignature else {
            counters.forgedRecords += 1
            return
        }
        var updated = m
        updated.record = r
        table[r.node] = updated
        queue.enqueue(.record(r), about: r.node)
        switch (r.state, m.status) {
        case (.left, _):
            setStatus(r.node, .left, now: now)
            out.append(event(.left, r.node))
        case (.alive, .alive):
            out.append(event(.updated, r.node))
        case (.alive, _):
            setStatus(r.node, .alive, now: now)
            out.append(event(.alive, r.node))
        }
    }

    mutating func addMember(_ r: SWIM.MemberRecord, now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard table.count < settings.maxMembers else {
            counters.capacityDrops += 1
            return
        }
        guard r.hasValidSignature else {
            counters.forgedRecords += 1
            return
        }
        insertVerified(r, now: now)
        queue.enqueue(.record(r), about: r.node)
        out.append(event(r.state == .left ? .left : .joined, r.node))
    }

    mutating func insertVerified(_ r: SWIM.MemberRecord, now: SWIM.Time) {
        let status: SWIM.Status = r.state == .left ? .left : .alive
        table[r.node] = MemberState(record: r, status: status, changedAt: now, suspicion: nil)
        if status == .alive { liveCount += 1 }
        insertIntoProbeOrder(r.node)
    }

    // MARK: - Claims (anyone may make them)

    /// Whether a claim about another member is applicable: known member, same incarnation.
    mutating func checkClaim(_ c: SWIM.Claim) -> MemberState? {
        guard let m = table[c.node] else { return nil }
        if c.incarnation > m.record.incarnation {
            counters.rejectedClaims += 1
            return nil
        }
        if c.incarnation < m.record.incarnation {
            counters.staleMessages += 1
            return nil
        }
        return m
    }

    mutating func applySuspect(_ c: SWIM.Claim, now: SWIM.Time, into out: inout [SWIM.Directive]) {
        if c.node == node {
            refute(c, now: now)
            return
        }
        guard var m = checkClaim(c) else { return }
        switch m.status {
        case .alive:
            let n = clusterSize
            let interval = settings.probeInterval.swimNanoseconds
            let lo = SWIM.Lifeguard.suspicionMin(mult: settings.suspicionMult, members: n, interval: interval)
            var k = settings.lifeguard ? max(0, settings.suspicionMult - 2) : 0
            if n - 2 < k { k = 0 }
            let hi = settings.lifeguard ? lo &* UInt64(settings.suspicionMaxTimeoutMult) : lo
            m.suspicion = Suspicion(start: now, minTimeout: lo, maxTimeout: hi, k: k, accuser: c.from)
            table[c.node] = m
            setStatus(c.node, .suspect, now: now)
            queue.enqueue(.suspect(c), about: c.node)
            out.append(event(.suspect, c.node))
        case .suspect:
            guard var s = m.suspicion, c.from != s.accuser, s.confirmations.count < s.k,
                !s.confirmations.contains(c.from)
            else { return }
            s.confirmations.insert(c.from)
            m.suspicion = s
            table[c.node] = m
            queue.enqueue(.suspect(c), about: c.node)
        case .dead, .left:
            return
        }
    }

    mutating func applyDead(_ c: SWIM.Claim, now: SWIM.Time, into out: inout [SWIM.Directive]) {
        if c.node == node {
            refute(c, now: now)
            return
        }
        guard let m = checkClaim(c), m.status == .alive || m.status == .suspect else { return }
        setStatus(c.node, .dead, now: now)
        queue.enqueue(.dead(c), about: c.node)
        out.append(event(.dead, c.node))
    }

    /// Someone claims we are suspect or dead: raise our incarnation and broadcast a new signed record.
    mutating func refute(_ c: SWIM.Claim, now: SWIM.Time) {
        if c.incarnation > incarnation {
            counters.rejectedClaims += 1
            return
        }
        guard c.incarnation == incarnation, !hasLeft else {
            counters.staleMessages += 1
            // Whoever still spreads the old claim missed our refutation: gossip our record again.
            if !hasLeft, !queue.contains(about: node) { queue.enqueue(.record(ownRecord), about: node) }
            return
        }
        counters.refutations += 1
        adjustAwareness(1)
        resign(incarnation: incarnation + 1, state: .alive, metadata: ownRecord.metadata)
    }

    mutating func resign(incarnation: UInt64, state: SWIM.MemberRecord.State, metadata: [UInt8]) {
        // The metadata was validated when first set, so signing cannot fail on size.
        if let r = try? SWIM.MemberRecord(
            signingWith: key,
            uid: node.uid,
            incarnation: incarnation,
            state: state,
            address: ownRecord.address,
            metadata: metadata
        ) {
            ownRecord = r
            queue.enqueue(.record(r), about: node)
        }
    }

    func event(_ kind: SWIM.MemberEvent.Kind, _ id: SWIM.NodeID) -> SWIM.Directive {
        .event(SWIM.MemberEvent(kind: kind, member: member(id)!))
    }
}
