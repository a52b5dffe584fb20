import ShoalCore
import ShoalTestKit
import Testing

@Suite("ShoalTestKit network simulator")
struct SimulatorTests {
    @Test("the event queue orders by time, FIFO among equal times")
    func queueOrder() {
        var q = EventQueue<Int>()
        var random = SimRandom(seed: 3)
        var expected: [(UInt64, Int)] = []
        for i in 0..<2000 {
            let t = random.next(upperBound: UInt64(50))
            q.insert(i, at: t)
            expected.append((t, i))
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var got: [(UInt64, Int)] = []
        while let e = q.popFirst() { got.append((e.time, e.element)) }
        #expect(got.map(\.1) == expected.map(\.1))
        #expect(q.isEmpty)
    }

    @Test("the generator is deterministic per seed and roughly uniform")
    func random() {
        var a = SimRandom(seed: 42)
        var b = SimRandom(seed: 42)
        var c = SimRandom(seed: 43)
        let xa = (0..<100).map { _ in a.next() }
        do {
            let ok = (xa == (0..<100).map { _ in b.next() })
            #expect(ok)
        }
        do {
            let ok = (xa != (0..<100).map { _ in c.next() })
            #expect(ok)
        }
        var hits = 0
        for _ in 0..<100_000 where a.chance(0.1) { hits += 1 }
        #expect(hits > 9_500 && hits < 10_500)
    }

    @Test("loss, latency, partitions, crashes and bounds")
    func faults() {
        var sim = NetworkSimulator<Int>(nodeCount: 4, seed: 1, latency: .fixed(1000), lossProbability: 0.5)
        for i in 0..<1000 { sim.send(i, from: 0, to: 1) }
        var delivered = 0
        while let e = sim.nextEvent() {
            if case .deliver(1, 0, _) = e { delivered += 1 }
            #expect(sim.now == 1000)
        }
        #expect(delivered == sim.counters.delivered)
        #expect(delivered > 400 && delivered < 600)
        #expect(sim.counters.lost == 1000 - delivered)

        sim.lossProbability = 0
        sim.partition([[0, 1], [2, 3]])
        do {
            let ok = (!sim.send(1, from: 0, to: 2))
            #expect(ok)
        }
        do {
            let ok = (sim.send(1, from: 2, to: 3))
            #expect(ok)
        }
        do {
            let ok = (sim.send(1, from: 3, to: 2, reliable: true))
            #expect(ok)
        }
        sim.heal()
        do {
            let ok = (sim.send(2, from: 0, to: 2))
            #expect(ok)
        }
        sim.crash(3)
        sim.schedule(node: 3, at: sim.now + 10, tag: 9)
        var nodes: [Int] = []
        while let e = sim.nextEvent() { nodes.append(e.node ?? -1) }
        #expect(nodes == [2, 2])
        sim.restart(3)
        sim.timeLimit = sim.now + 100
        sim.schedule(node: 3, at: sim.now + 50, tag: 1)
        sim.schedule(node: 3, at: sim.now + 500, tag: 2)
        var tags: [UInt64] = []
        while let e = sim.nextEvent() { if case .timer(_, let tag) = e { tags.append(tag) } }
        #expect(tags == [1])
    }

    @Test("a stalled node handles what arrived during the stall afterwards, in order")
    func stall() {
        var sim = NetworkSimulator<Int>(nodeCount: 2, seed: 1, latency: .fixed(10))
        sim.stall(1, until: 1000)
        for i in 0..<5 { sim.send(i, from: 0, to: 1) }
        sim.schedule(node: 1, at: 500, tag: 77)
        sim.schedule(node: 0, at: 600, tag: 1)
        var log: [String] = []
        while let e = sim.nextEvent() {
            switch e {
            case .deliver(_, _, let m): log.append("m\(m)@\(sim.now)")
            case .timer(let n, let tag): log.append("t\(n).\(tag)@\(sim.now)")
            case .action: break
            }
        }
        #expect(log == ["t0.1@600", "m0@1000", "m1@1000", "m2@1000", "m3@1000", "m4@1000", "t1.77@1000"])
        #expect(sim.counters.deferred == 6)
    }
}
