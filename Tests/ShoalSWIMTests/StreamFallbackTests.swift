import ShoalSWIM
import Testing

@Suite("SWIM instance: the stream fallback ping")
struct StreamFallbackTests {
    @Test("a direct timeout asks for a stream ping; its success counts as an ack for the probe")
    func fallbackAck() throws {
        var a = try makeGroup(4)[0]
        let ping = InstanceTests.tickUntilPing(&a, from: 0)
        let timeout = a.tick(now: ping.at + 500 * millisecond)
        let asks = timeout.compactMap { d -> (SWIM.NodeID, UInt32)? in
            if case .streamPing(_, let node, let seq) = d { return (node, seq) }
            return nil
        }
        #expect(asks.count == 1)
        #expect(asks.first?.0 == ping.target)
        #expect(asks.first?.1 == ping.seq)
        _ = a.streamPingSucceeded(sequence: ping.seq, now: ping.at + 700 * millisecond)
        let end = a.tick(now: ping.at + second)
        #expect(a.status(of: ping.target) == .alive)
        #expect(!end.events.contains { $0.kind == .suspect })
        #expect(a.counters.streamFallbackAcks == 1)
        #expect(a.counters.failedProbes == 0)
    }

    @Test("a stream answer after the probe ended, or for another sequence, is ignored")
    func lateAnswer() throws {
        var a = try makeGroup(4)[0]
        let ping = InstanceTests.tickUntilPing(&a, from: 0)
        _ = a.tick(now: ping.at + 500 * millisecond)
        _ = a.streamPingSucceeded(sequence: ping.seq &+ 1000, now: ping.at + 600 * millisecond)
        _ = a.tick(now: ping.at + second)
        #expect(a.status(of: ping.target) == .suspect)
        _ = a.streamPingSucceeded(sequence: ping.seq, now: ping.at + second + 1)
        #expect(a.counters.streamFallbackAcks == 0)
        #expect(a.status(of: ping.target) == .suspect)
    }

    @Test("with the fallback turned off no stream ping is asked for")
    func turnedOff() throws {
        var settings = SWIM.Settings.lan
        settings.streamFallbackPing = false
        var a = try makeGroup(4, settings: settings)[0]
        let ping = InstanceTests.tickUntilPing(&a, from: 0)
        let timeout = a.tick(now: ping.at + 500 * millisecond)
        #expect(!timeout.contains { if case .streamPing = $0 { true } else { false } })
    }
}

@Suite("SWIM instance: own record on idle pings")
struct OwnRecordTests {
    /// Member 0 knowing only member 1 (verified out of band), ticked until its first ping.
    static func firstPing(settings: SWIM.Settings) throws -> (sender: SWIM.Instance, ping: SWIM.Packet, now: UInt64) {
        var a = try makeInstance(0, settings: settings)
        a._insertVerifiedMembers([try makeInstance(1).ownRecord], now: 0)
        var now: UInt64 = 0
        for _ in 0..<100 {
            let out = a.tick(now: now)
            for (packet, _) in out.sends where packet.messages.contains(where: { $0.isProbe }) {
                return (a, packet, now)
            }
            now = max(now + 1, out.wake ?? now + 1)
        }
        throw SWIMTestError.noPing
    }

    enum SWIMTestError: Error { case noPing }

    @Test("an idle ping carries the sender's record, and a member that did not know the sender learns it")
    func idlePingCarriesRecord() throws {
        let (a, ping, now) = try Self.firstPing(settings: .lan)
        #expect(ping.messages.count == 2)
        #expect(ping.records.map(\.node) == [a.node])
        // A member that never heard of member 0 receives the same ping (addressed to it).
        var stranger = try makeInstance(4)
        var redirected = ping
        redirected.messages = ping.messages.map { m in
            if case .ping(let seq, _) = m { return .ping(sequence: seq, target: stranger.node) }
            return m
        }
        let out = stranger.receive(redirected, from: testAddress(0), now: now)
        #expect(stranger.status(of: a.node) == .alive)
        #expect(out.events.contains { $0.kind == .joined && $0.member.node == a.node })
        #expect(
            out.sends.contains { $0.packet.messages.first.map { if case .ack = $0 { true } else { false } } ?? false }
        )
    }

    @Test("with the option off, an idle ping carries only the ping")
    func optionOff() throws {
        var settings = SWIM.Settings.lan
        settings.piggybackOwnRecord = false
        let (_, ping, _) = try Self.firstPing(settings: settings)
        #expect(ping.messages.count == 1)
        #expect(ping.records.isEmpty)
    }
}
