import ShoalCore

// MARK: - Dissemination, push-pull, join and leave

extension SWIM.Instance {
    /// Builds a datagram: the `primary` messages, then as much queued gossip as fits the byte budget
    /// (``SWIM/Settings/packetBudget`` minus ``SWIM/PacketSecurity/maxOverhead`` and the packet header).
    mutating func makePacket(_ primary: [SWIM.Message], excluding: SWIM.NodeID?) -> SWIM.Packet {
        var budget = settings.packetBudget - SWIM.PacketSecurity.maxOverhead - SWIM.WireCodec.packetHeaderByteCount
        for m in primary { budget -= SWIM.WireCodec.encodedSize(of: m) }
        let gossip = queue.take(
            budget: budget,
            maxCount: SWIM.WireCodec.maxMessagesPerPacket - primary.count,
            limit: retransmitLimit,
            excluding: excluding
        )
        var messages = primary + gossip
        // With nothing else to piggyback, pings and ping requests carry the sender's own record (swift-cluster-
        // membership gossips its own status when idle): a member that missed a join's gossip learns the sender from
        // its next probe, not from the next push-pull. Same-incarnation copies cost the receiver a comparison, not a
        // signature check.
        if settings.piggybackOwnRecord, gossip.isEmpty, !hasLeft, messages.count < SWIM.WireCodec.maxMessagesPerPacket,
            let first = primary.first, first.invitesOwnRecord
        {
            let own = SWIM.Message.record(ownRecord)
            if SWIM.WireCodec.encodedSize(of: own) <= budget { messages.append(own) }
        }
        return SWIM.Packet(sender: node, messages: messages)
    }

    /// One gossip round: pending broadcasts to ``SWIM/Settings/gossipNodes`` random members (live ones, and
    /// dead ones still within the gossip-to-the-dead time, so a wrongly killed member can hear and refute).
    mutating func gossipRound(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard !queue.isEmpty else { return }
        let keep = settings.gossipToTheDeadTime.swimNanoseconds
        let targets = sample(settings.gossipNodes) { m in
            m.status == .alive || m.status == .suspect || now < m.changedAt &+ keep
        }
        for id in targets {
            guard !queue.isEmpty, let m = table[id] else { break }
            let packet = makePacket([], excluding: nil)
            guard !packet.messages.isEmpty else { break }
            out.append(.send(packet, to: m.record.address, node: id))
        }
    }

    // MARK: - Push-pull

    mutating func startPushPull(now: SWIM.Time, into out: inout [SWIM.Directive]) {
        guard let peer = sample(1, where: { $0.status == .alive }).first, let m = table[peer] else { return }
        out.append(.pushPull(to: m.record.address, node: peer, state: makePushPullState(join: false)))
    }

    /// This member's full view, for a push-pull exchange: every retained member's signed record, plus
    /// suspect and dead claims.
    /// - Parameter join: whether the exchange is a join.
    public func makePushPullState(join: Bool) -> SWIM.PushPullState {
        var entries: [SWIM.PushPullState.Entry] = [.record(ownRecord)]
        entries.reserveCapacity(table.count + suspects.count + 1)
        for id in probeOrder {
            guard let m = table[id], entries.count < SWIM.WireCodec.maxPushPullEntries - 1 else { continue }
            entries.append(.record(m.record))
            switch m.status {
            case .suspect:
                let accuser = m.suspicion?.accuser ?? node
                entries.append(.suspect(SWIM.Claim(node: id, incarnation: m.record.incarnation, from: accuser)))
            case .dead:
                entries.append(.dead(SWIM.Claim(node: id, incarnation: m.record.incarnation, from: node)))
            case .alive, .left:
                break
            }
        }
        return SWIM.PushPullState(sender: node, join: join, entries: entries)
    }

    /// Merges a peer's full state (from a push-pull exchange, either direction).
    ///
    /// Records are applied as gossip; a remote "dead" is downgraded to a suspicion so that a member wrongly
    /// declared dead elsewhere gets a chance to refute.
    /// - Parameters:
    ///   - state: the peer's state.
    ///   - now: the current time.
    /// - Returns: what to do; the last directive is always a ``SWIM/Directive/wake(at:)``.
    public mutating func mergeRemoteState(_ state: SWIM.PushPullState, now: SWIM.Time) -> [SWIM.Directive] {
        var out: [SWIM.Directive] = []
        for e in state.entries.prefix(SWIM.WireCodec.maxPushPullEntries) {
            switch e {
            case .record(let r): applyRecord(r, now: now, into: &out)
            case .suspect(let c): applySuspect(c, now: now, into: &out)
            case .dead(let c):
                applySuspect(SWIM.Claim(node: c.node, incarnation: c.incarnation, from: c.from), now: now, into: &out)
            }
        }
        out.append(.wake(at: nextDeadline))
        return out
    }

    /// Answers a push-pull request from a peer: merges its state first, then returns this member's state
    /// (so that a refutation the merge provoked, such as after a healed partition, travels back at once).
    /// - Parameters:
    ///   - request: the initiator's state.
    ///   - now: the current time.
    /// - Returns: the state to send back, and the directives of the merge.
    public mutating func answerPushPull(
        _ request: SWIM.PushPullState,
        now: SWIM.Time
    ) -> (reply: SWIM.PushPullState, directives: [SWIM.Directive]) {
        let directives = mergeRemoteState(request, now: now)
        return (makePushPullState(join: false), directives)
    }

    // MARK: - Join, leave, metadata

    /// Joins through seed addresses: a push-pull (join) with each.
    /// - Parameters:
    ///   - seeds: addresses of existing members.
    ///   - now: the current time.
    /// - Returns: one ``SWIM/Directive/pushPull(to:node:state:)`` per seed, then a wake-up.
    public mutating func join(seeds: [SWIM.Address], now: SWIM.Time) -> [SWIM.Directive] {
        var out: [SWIM.Directive] = []
        let state = makePushPullState(join: true)
        for seed in seeds where seed != ownRecord.address {
            out.append(.pushPull(to: seed, node: nil, state: state))
        }
        out.append(.wake(at: nextDeadline))
        return out
    }

    /// Leaves gracefully: signs a "left" record at a higher incarnation and gossips it. Probing stops; the
    /// shell should keep the instance running until ``leaveComplete`` (or a timeout), then stop.
    public mutating func leave(now: SWIM.Time) -> [SWIM.Directive] {
        var out: [SWIM.Directive] = []
        if !hasLeft {
            hasLeft = true
            probe = nil
            resign(incarnation: incarnation + 1, state: .left, metadata: ownRecord.metadata)
            gossipRound(now: now, into: &out)
        }
        out.append(.wake(at: nextDeadline))
        return out
    }

    /// Changes this member's metadata: a new signed record at a higher incarnation, gossiped.
    /// - Throws: ``ShoalError`` `.limitExceeded` when over 512 bytes, `.invalidArgument` after leaving.
    public mutating func updateMetadata(_ metadata: [UInt8], now: SWIM.Time) throws -> [SWIM.Directive] {
        guard metadata.count <= SWIM.MemberRecord.maxMetadataByteCount else {
            throw ShoalError(.limitExceeded, "SWIM metadata of \(metadata.count) bytes exceeds 512")
        }
        guard !hasLeft else { throw ShoalError(.invalidArgument, "SWIM member already left") }
        resign(incarnation: incarnation + 1, state: .alive, metadata: metadata)
        return [.wake(at: nextDeadline)]
    }

    /// Adds members whose records the caller has already verified (for example a simulation that verified
    /// every record once, or a snapshot checked at load). Records about unknown members only; nothing is
    /// gossiped. Not for records received from the network.
    public mutating func _insertVerifiedMembers(_ records: [SWIM.MemberRecord], now: SWIM.Time) {
        for r in records where r.node != node && table[r.node] == nil && table.count < settings.maxMembers {
            insertVerified(r, now: now)
        }
    }
}
