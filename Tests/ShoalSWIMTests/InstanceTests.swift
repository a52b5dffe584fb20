import ShoalCore
import ShoalCrypto
import ShoalSWIM
import Testing

@Suite("SWIM instance")
struct InstanceTests {
    /// Ticks an instance at its requested wake-up times until it sends a ping; returns the ping and the time.
    static func tickUntilPing(
        _ inst: inout SWIM.Instance,
        from start: UInt64
    ) -> (seq: UInt32, target: SWIM.NodeID, at: UInt64) {
        var now = start
        for _ in 0..<100 {
            let out = inst.tick(now: now)
            for (p, _) in out.sends {
                for case .ping(let seq, let target) in p.messages { return (seq, target, now) }
            }
            now = max(now + 1, out.wake ?? now + 1)
        }
        Issue.record("no ping within 100 ticks")
        return (0, inst.node, now)
    }

    @Test("a ping to this member is acked; a ping for another identity is ignored and counted")
    func pingAck() throws {
        var a = try makeGroup(3)[0]
        let out = a.receive(packet(from: 1, [.ping(sequence: 5, target: nodeID(0))]), from: testAddress(1), now: 0)
        let sends = out.sends
        #expect(sends.count == 1)
        #expect(sends.first?.to == testAddress(1))
        #expect(sends.first?.packet.messages.first == .ack(sequence: 5))
        #expect(out.wake != nil)
        let wrong = SWIM.NodeID(publicKey: testKey(0).publicKey, uid: 999)
        do {
            let ok =
                (a.receive(packet(from: 1, [.ping(sequence: 6, target: wrong)]), from: testAddress(1), now: 0).sends
                    .isEmpty)
            #expect(ok)
        }
        #expect(a.counters.misdirectedPings == 1)
    }

    @Test("refutation: a suspicion about itself raises the incarnation and gossips a new signed record")
    func refutation() throws {
        var group = try makeGroup(4)
        let claim = SWIM.Claim(node: nodeID(0), incarnation: 0, from: nodeID(1))
        _ = group[0].receive(packet(from: 1, [.suspect(claim)]), from: testAddress(1), now: 10)
        #expect(group[0].incarnation == 1)
        #expect(group[0].counters.refutations == 1)
        #expect(group[0].awareness == 1)
        #expect(group[0].ownRecord.hasValidSignature)
        // The refutation goes out in the next gossip round and revives the member at a peer that suspected it.
        _ = group[2].receive(packet(from: 1, [.suspect(claim)]), from: testAddress(1), now: 10)
        #expect(group[2].status(of: nodeID(0)) == .suspect)
        let gossip = group[0].tick(now: 300 * millisecond).sends
        let carried = gossip.flatMap { $0.packet.records }.filter { $0.node == nodeID(0) }
        #expect(carried.first?.incarnation == 1)
        let events = group[2].receive(gossip[0].packet, from: testAddress(0), now: 400 * millisecond).events
        #expect(group[2].status(of: nodeID(0)) == .alive)
        #expect(events.contains { $0.kind == .alive && $0.member.incarnation == 1 })
        // A dead claim at the old incarnation is now stale; at the new one it is refuted again.
        _ = group[0].receive(packet(from: 1, [.dead(claim)]), from: testAddress(1), now: 20)
        #expect(group[0].incarnation == 1)
        _ = group[0].receive(
            packet(from: 1, [.dead(SWIM.Claim(node: nodeID(0), incarnation: 1, from: nodeID(1)))]),
            from: testAddress(1),
            now: 30
        )
        #expect(group[0].incarnation == 2)
    }

    @Test("incarnation rules: stale records and claims are ignored, a newer signed record wins")
    func incarnationRules() throws {
        var a = try makeGroup(4)[0]
        _ = a.receive(packet(from: 2, [.record(record(2, incarnation: 3))]), from: testAddress(2), now: 1)
        #expect(a.member(nodeID(2))?.incarnation == 3)
        _ = a.receive(packet(from: 2, [.record(record(2, incarnation: 2))]), from: testAddress(2), now: 2)
        #expect(a.member(nodeID(2))?.incarnation == 3)
        _ = a.receive(
            packet(from: 1, [.suspect(SWIM.Claim(node: nodeID(2), incarnation: 2, from: nodeID(1)))]),
            from: testAddress(1),
            now: 3
        )
        #expect(a.status(of: nodeID(2)) == .alive)
        #expect(a.counters.staleMessages == 2)
        _ = a.receive(
            packet(from: 1, [.dead(SWIM.Claim(node: nodeID(2), incarnation: 3, from: nodeID(1)))]),
            from: testAddress(1),
            now: 4
        )
        #expect(a.status(of: nodeID(2)) == .dead)
        // Dead is revived only by the member's own record with a higher incarnation.
        _ = a.receive(packet(from: 2, [.record(record(2, incarnation: 3))]), from: testAddress(2), now: 5)
        #expect(a.status(of: nodeID(2)) == .dead)
        let out = a.receive(packet(from: 2, [.record(record(2, incarnation: 4))]), from: testAddress(2), now: 6)
        #expect(a.status(of: nodeID(2)) == .alive)
        #expect(out.events.map(\.kind) == [.alive])
    }

    @Test("a claim at a higher incarnation than known is rejected, about others and about itself")
    func higherIncarnationClaimRejected() throws {
        var a = try makeGroup(4)[0]
        for claimNode in [2, 0] {
            _ = a.receive(
                packet(from: 1, [.dead(SWIM.Claim(node: nodeID(claimNode), incarnation: 7, from: nodeID(1)))]),
                from: testAddress(1),
                now: 1
            )
        }
        #expect(a.status(of: nodeID(2)) == .alive)
        #expect(a.member(nodeID(2))?.incarnation == 0)
        #expect(a.incarnation == 0)
        #expect(a.counters.rejectedClaims == 2)
    }

    @Test("forged records (altered fields, or signed by another key) are rejected and counted")
    func forgedRecords() throws {
        var a = try makeGroup(4)[0]
        let genuine = record(2, incarnation: 5, metadata: Array("role=worker".utf8))
        let altered = SWIM.MemberRecord(
            node: genuine.node,
            incarnation: genuine.incarnation,
            state: .alive,
            address: genuine.address,
            metadata: Array("role=admin!".utf8),
            signature: genuine.signature
        )
        let impostor = record(3, incarnation: 9)
        let stolen = SWIM.MemberRecord(
            node: nodeID(2),
            incarnation: 9,
            state: .left,
            address: impostor.address,
            metadata: [],
            signature: impostor.signature
        )
        let unknownForged = SWIM.MemberRecord(
            node: nodeID(40),
            incarnation: 0,
            state: .alive,
            address: testAddress(40),
            metadata: [],
            signature: Array(repeating: 7, count: 64)
        )
        for r in [altered, stolen, unknownForged] {
            _ = a.receive(packet(from: 3, [.record(r)]), from: testAddress(3), now: 1)
        }
        #expect(a.counters.forgedRecords == 3)
        #expect(a.member(nodeID(2))?.incarnation == 0)
        #expect(a.status(of: nodeID(2)) == .alive)
        #expect(a.member(nodeID(40)) == nil)
        _ = a.receive(packet(from: 3, [.record(genuine)]), from: testAddress(3), now: 2)
        #expect(a.member(nodeID(2))?.metadata == Array("role=worker".utf8))
    }

    @Test("leave: peers record left (not dead), stale alive records cannot revive it")
    func leave() throws {
        var group = try makeGroup(3)
        let out = group[1].leave(now: 0)
        #expect(group[1].hasLeft)
        #expect(group[1].ownRecord.state == .left)
        let sends = out.sends
        #expect(!sends.isEmpty)
        let events = group[0].receive(sends[0].packet, from: testAddress(1), now: 1).events
        #expect(events.map(\.kind) == [.left])
        #expect(group[0].status(of: nodeID(1)) == .left)
        _ = group[0].receive(packet(from: 1, [.record(record(1, incarnation: 0))]), from: testAddress(1), now: 2)
        _ = group[0].receive(
            packet(from: 2, [.dead(SWIM.Claim(node: nodeID(1), incarnation: 1, from: nodeID(2)))]),
            from: testAddress(2),
            now: 3
        )
        #expect(group[0].status(of: nodeID(1)) == .left)
        // The leaver stops probing and finishes once its announcement has been sent enough times.
        var now: UInt64 = 0
        for _ in 0..<40 where !group[1].leaveComplete {
            now += 200 * millisecond
            let tickSends = group[1].tick(now: now).sends
            #expect(!tickSends.contains { $0.packet.isProbe })
        }
        #expect(group[1].leaveComplete)
        #expect(throws: ShoalError(.invalidArgument, "")) { try group[1].updateMetadata([], now: now) }
    }

    @Test("suspicion timeout formula matches memberlist's table")
    func suspicionFormula() {
        let t = SWIM.Lifeguard.self
        let s = second
        #expect(t.suspicionMin(mult: 4, members: 10, interval: s) == 4 * s)
        #expect(t.suspicionMin(mult: 4, members: 5, interval: s) == 4 * s)
        #expect(t.suspicionMin(mult: 4, members: 100, interval: s) / millisecond == 8000)
        #expect(t.suspicionMin(mult: 4, members: 1000, interval: s) / millisecond == 12000)
        #expect(t.suspicionTimeout(confirmations: 0, k: 2, min: 4 * s, max: 24 * s) == 24 * s)
        #expect(t.suspicionTimeout(confirmations: 1, k: 2, min: 4 * s, max: 24 * s) == 11_381 * millisecond)
        #expect(t.suspicionTimeout(confirmations: 2, k: 2, min: 4 * s, max: 24 * s) == 4 * s)
        #expect(t.suspicionTimeout(confirmations: 1, k: 2, min: 8 * s, max: 48 * s) == 22_762 * millisecond)
        #expect(t.suspicionTimeout(confirmations: 5, k: 0, min: 4 * s, max: 24 * s) == 4 * s)
        #expect(t.retransmitLimit(mult: 4, members: 9) == 4)
        #expect(t.retransmitLimit(mult: 4, members: 10) == 8)
        #expect(t.retransmitLimit(mult: 4, members: 99) == 8)
        #expect(t.retransmitLimit(mult: 4, members: 100) == 12)
        #expect(t.retransmitLimit(mult: 4, members: 1000) == 16)
        let base = 30 * s
        #expect(t.pushPullInterval(base: base, members: 32) == 30 * s)
        #expect(t.pushPullInterval(base: base, members: 33) == 60 * s)
        #expect(t.pushPullInterval(base: base, members: 64) == 60 * s)
        #expect(t.pushPullInterval(base: base, members: 65) == 90 * s)
        #expect(t.pushPullInterval(base: base, members: 1000) == 180 * s)
        #expect(t.pushPullInterval(base: base, members: 10_000) == 300 * s)
    }

    @Test("suspicion timeout shrinks with independent confirmations (a lone suspicion waits Max)")
    func suspicionShrinks() throws {
        // N = 12: Min = 4 × log10(12) s ≈ 4.32 s, Max = 6 × Min ≈ 25.9 s, K = 2.
        let start = 10 * second
        let check = start + 4_400 * millisecond
        let suspect = { (from: Int) in
            packet(from: from, [.suspect(SWIM.Claim(node: nodeID(5), incarnation: 0, from: nodeID(from)))])
        }
        var lone = try makeGroup(12)[0]
        _ = lone.receive(suspect(1), from: testAddress(1), now: start)
        _ = lone.receive(suspect(1), from: testAddress(1), now: start + 1)
        _ = lone.tick(now: start + 25_000 * millisecond)
        #expect(lone.status(of: nodeID(5)) == .suspect)
        // At the deadline a last-chance probe goes out (with the suspicion attached) instead of a death...
        let last = lone.tick(now: start + 26_000 * millisecond).sends
        #expect(lone.status(of: nodeID(5)) == .suspect)
        #expect(last.contains { $0.to == testAddress(5) && $0.packet.messages.contains { $0.isSuspectClaim } })
        // ...and without an answer the member is declared dead one (health-scaled) probe timeout later.
        let events = lone.tick(now: start + 30_000 * millisecond).events
        #expect(lone.status(of: nodeID(5)) == .dead)
        #expect(events.contains { $0.kind == .dead && $0.member.node == nodeID(5) })

        var confirmed = try makeGroup(12)[0]
        _ = confirmed.receive(suspect(1), from: testAddress(1), now: start)
        _ = confirmed.receive(suspect(2), from: testAddress(2), now: start + 1)
        _ = confirmed.tick(now: check)
        #expect(confirmed.status(of: nodeID(5)) == .suspect)
        _ = confirmed.receive(suspect(3), from: testAddress(3), now: check + 1)
        _ = confirmed.tick(now: check + 2)
        _ = confirmed.tick(now: check + 2 + 500 * millisecond)
        #expect(confirmed.status(of: nodeID(5)) == .dead)
        #expect(confirmed.counters.deathsDeclared == 1)
        #expect(confirmed.counters.verifications == 1)
    }

    @Test("an answered last-chance probe restarts the suspicion instead of declaring death")
    func verificationAnswered() throws {
        var a = try makeGroup(12)[0]
        let start = 10 * second
        for from in 1...3 {
            _ = a.receive(
                packet(from: from, [.suspect(SWIM.Claim(node: nodeID(5), incarnation: 0, from: nodeID(from)))]),
                from: testAddress(from),
                now: start
            )
        }
        let out = a.tick(now: start + 4_400 * millisecond).sends
        var seq: UInt32?
        for (p, to) in out where to == testAddress(5) {
            for case .ping(let s, _) in p.messages { seq = s }
        }
        let verifySeq = try #require(seq)
        _ = a.receive(
            packet(from: 5, [.ack(sequence: verifySeq)]),
            from: testAddress(5),
            now: start + 4_401 * millisecond
        )
        #expect(a.counters.verificationsAnswered == 1)
        _ = a.tick(now: start + 5_000 * millisecond)
        #expect(a.status(of: nodeID(5)) == .suspect)
        _ = a.tick(now: start + 9_000 * millisecond)
        #expect(a.status(of: nodeID(5)) == .suspect)
    }

    @Test("a stale claim about itself makes a member gossip its current record again")
    func staleClaimRegossips() throws {
        var a = try makeGroup(3)[0]
        let old = SWIM.Claim(node: nodeID(0), incarnation: 0, from: nodeID(1))
        _ = a.receive(packet(from: 1, [.suspect(old)]), from: testAddress(1), now: 0)
        #expect(a.incarnation == 1)
        var now: UInt64 = 0
        for _ in 0..<100 where a.pendingBroadcasts > 0 {
            now += 200 * millisecond
            _ = a.tick(now: now)
        }
        #expect(a.pendingBroadcasts == 0)
        let reply = a.receive(
            packet(from: 1, [.ping(sequence: 9, target: nodeID(0)), .suspect(old)]),
            from: testAddress(1),
            now: now + 1
        )
        let ack = try #require(reply.sends.first?.packet)
        #expect(ack.messages.first == .ack(sequence: 9))
        #expect(ack.records.contains { $0.node == nodeID(0) && $0.incarnation == 1 })
        #expect(a.incarnation == 1)
    }

    @Test("awareness rises with missed nacks and refutations, falls with acks, and stretches the probe interval")
    func awareness() throws {
        var a = try makeGroup(6)[0]
        let ping = Self.tickUntilPing(&a, from: 0)
        // Direct timeout: three ping requests asking for nacks.
        let requests = a.tick(now: ping.at + 500 * millisecond).sends.filter {
            if case .pingRequest(_, _, _, true) = $0.packet.messages.first { return true }
            return false
        }
        #expect(requests.count == 3)
        // One nack arrives; the other two are missing when the period ends.
        _ = a.receive(
            packet(from: 1, [.nack(sequence: ping.seq)]),
            from: testAddress(1),
            now: ping.at + 800 * millisecond
        )
        let end = a.tick(now: ping.at + second)
        #expect(a.awareness == 2)
        #expect(a.status(of: ping.target) == .suspect)
        #expect(end.events.contains { $0.kind == .suspect })
        // The next probe starts now and the one after it 3 × T later (awareness 2).
        var nextSeq: UInt32?
        for (p, _) in end.sends {
            for case .ping(let seq, _) in p.messages { nextSeq = seq }
        }
        let seq = try #require(nextSeq)
        _ = a.receive(packet(from: 2, [.ack(sequence: seq)]), from: testAddress(2), now: ping.at + second + 1)
        #expect(a.awareness == 1)
        let early = a.tick(now: ping.at + second + 2_900 * millisecond).sends
        #expect(!early.contains { $0.packet.isProbe })
        let late = a.tick(now: ping.at + 4 * second).sends
        #expect(late.contains { $0.packet.isProbe })
        let next = (at: ping.at + 4 * second, seq: seq)
        // The score saturates at max − 1.
        for i in 0..<20 {
            _ = a.receive(
                packet(from: 1, [.suspect(SWIM.Claim(node: nodeID(0), incarnation: a.incarnation, from: nodeID(1)))]),
                from: testAddress(1),
                now: next.at + UInt64(i + 2)
            )
        }
        #expect(a.awareness == 7)
    }

    @Test("lifeguard off: no awareness, no nacks, no buddy, fixed suspicion timeout")
    func lifeguardOff() throws {
        var settings = SWIM.Settings.lan
        settings.lifeguard = false
        settings.verifyBeforeDeclaringDead = false
        var a = try makeGroup(12, settings: settings)[0]
        let ping = Self.tickUntilPing(&a, from: 0)
        let requests = a.tick(now: ping.at + 500 * millisecond).sends
        #expect(requests.count == 3)
        #expect(
            requests.allSatisfy {
                if case .pingRequest(_, _, _, false) = $0.packet.messages.first { return true }
                return false
            }
        )
        _ = a.tick(now: ping.at + second)
        #expect(a.awareness == 0)
        #expect(a.status(of: ping.target) == .suspect)
        // A lone suspicion expires at Min (≈ 4.32 s at N = 12), not Max, with no last-chance probe.
        _ = a.tick(now: ping.at + second + 4_400 * millisecond)
        #expect(a.status(of: ping.target) == .dead)
    }

    @Test("indirect probe: the intermediary forwards the ack, or nacks on timeout")
    func relay() throws {
        var b = try makeGroup(4)[1]
        let request = SWIM.Message.pingRequest(
            sequence: 77,
            target: nodeID(2),
            targetAddress: testAddress(2),
            wantsNack: true
        )
        let out = b.receive(packet(from: 0, [request]), from: testAddress(0), now: 0).sends
        #expect(out.count == 1)
        #expect(out[0].to == testAddress(2))
        guard case .ping(let relaySeq, let target) = out[0].packet.messages[0] else {
            Issue.record("expected a ping")
            return
        }
        #expect(target == nodeID(2))
        let forwarded = b.receive(packet(from: 2, [.ack(sequence: relaySeq)]), from: testAddress(2), now: 10).sends
        #expect(forwarded.count == 1)
        #expect(forwarded[0].to == testAddress(0))
        #expect(forwarded[0].packet.messages.first == .ack(sequence: 77))
        // Second request: no ack, so a nack after 0.8 × the probe timeout.
        _ = b.receive(packet(from: 0, [request]), from: testAddress(0), now: 20)
        do {
            let ok =
                (b.tick(now: 20 + 399 * millisecond).sends.allSatisfy {
                    $0.packet.messages.first != .nack(sequence: 77)
                })
            #expect(ok)
        }
        let nacks = b.tick(now: 20 + 400 * millisecond).sends.filter { $0.packet.messages.first == .nack(sequence: 77) }
        #expect(nacks.count == 1)
        #expect(b.counters.nacksSent == 1)
    }

    @Test("buddy system: the ping to a suspect carries the suspicion")
    func buddy() throws {
        var a = try makeGroup(2)[0]
        _ = a.receive(
            packet(from: 1, [.suspect(SWIM.Claim(node: nodeID(1), incarnation: 0, from: nodeID(0)))]),
            from: testAddress(1),
            now: 0
        )
        #expect(a.status(of: nodeID(1)) == .suspect)
        var now: UInt64 = 0
        var sawBuddy = false
        for _ in 0..<20 where !sawBuddy {
            let out = a.tick(now: now)
            for (p, _) in out.sends where p.messages.contains(where: { if case .ping = $0 { true } else { false } }) {
                sawBuddy = p.messages.contains(.suspect(SWIM.Claim(node: nodeID(1), incarnation: 0, from: nodeID(0))))
            }
            now = out.wake ?? now + millisecond
        }
        #expect(sawBuddy)
    }

    @Test("push-pull: a remote dead is merged as a suspicion; unknown members join")
    func pushPullMerge() throws {
        var group = try makeGroup(3)
        _ = group[1].receive(
            packet(from: 2, [.dead(SWIM.Claim(node: nodeID(0), incarnation: 0, from: nodeID(2)))]),
            from: testAddress(2),
            now: 0
        )
        _ = group[1].receive(
            packet(from: 2, [.dead(SWIM.Claim(node: nodeID(2), incarnation: 0, from: nodeID(1)))]),
            from: testAddress(2),
            now: 0
        )
        var fresh = try makeInstance(0)
        let out = fresh.mergeRemoteState(group[1].makePushPullState(join: false), now: 1)
        #expect(Set(out.events.filter { $0.kind == .joined }.map(\.member.node)) == [nodeID(1), nodeID(2)])
        #expect(fresh.status(of: nodeID(2)) == .suspect)
        // Node 0 itself was reported dead: it refuted instead.
        #expect(fresh.incarnation == 1)
    }

    @Test("join: seeds get a push-pull; metadata updates are signed at a higher incarnation")
    func joinAndMetadata() throws {
        var a = try makeInstance(0, metadata: Array("role=worker".utf8))
        let out = a.join(seeds: [testAddress(1), testAddress(0), testAddress(2)], now: 0)
        let pushes = out.compactMap { d -> SWIM.Address? in
            if case .pushPull(let to, _, let state) = d, state.join { return to }
            return nil
        }
        #expect(pushes == [testAddress(1), testAddress(2)])
        _ = try a.updateMetadata(Array("role=coordinator".utf8), now: 1)
        #expect(a.incarnation == 1)
        #expect(a.ownRecord.hasValidSignature)
        #expect(a.ownRecord.metadata == Array("role=coordinator".utf8))
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try a.updateMetadata(Array(repeating: 0, count: 513), now: 2)
        }
    }

    @Test("piggybacked gossip fills the datagram up to, never over, the 1,400-byte budget")
    func packing() throws {
        var a = try makeGroup(2)[0]
        // 60 new members with 300-byte metadata join: 60 queued records of 423 bytes each.
        for i in 10..<70 {
            _ = a.receive(
                packet(from: 1, [.record(record(i, incarnation: 0, metadata: Array(repeating: UInt8(i), count: 300)))]),
                from: testAddress(1),
                now: 0
            )
        }
        #expect(a.pendingBroadcasts == 60)
        let out = a.receive(packet(from: 1, [.ping(sequence: 1, target: nodeID(0))]), from: testAddress(1), now: 1)
        let p = try #require(out.sends.first?.packet)
        let size = try SWIM.WireCodec.encode(p).count + SWIM.PacketSecurity.maxOverhead
        #expect(size <= 1400)
        #expect(size > 1400 - 430)
        #expect(p.messages.first == .ack(sequence: 1))
        #expect(p.records.count == 3)
    }
}

extension SWIM.Message {
    var isSuspectClaim: Bool {
        if case .suspect = self { return true }
        return false
    }
}
