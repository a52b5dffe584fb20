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
