import ShoalCore
import ShoalMDNS
import ShoalMultiformats
import Testing

@Suite("mDNS machine")
struct MachineTests {
    static let aliceAddress = Fixtures.multiaddr("/ip4/192.168.1.10/tcp/4001")
    static let bobLAN = MDNSInterface(name: "eth0", index: 2, addresses: [.v4(IPv4Address("192.168.1.11")!)])

    static func sends(_ actions: [MDNSAction]) -> [([UInt8], String?)] {
        actions.compactMap { if case .send(let bytes, let interface) = $0 { (bytes, interface) } else { nil } }
    }

    static func discovered(_ actions: [MDNSAction]) -> [MDNSDiscoveredPeer] {
        actions.compactMap { if case .discovered(let peer) = $0 { peer } else { nil } }
    }

    static func dials(_ actions: [MDNSAction]) -> [MDNSDiscoveredPeer] {
        actions.compactMap { if case .dial(let peer) = $0 { peer } else { nil } }
    }

    static func started(
        _ peer: PeerID,
        _ interface: MDNSInterface,
        _ addresses: [Multiaddr],
        configuration: MDNSConfiguration = MDNSConfiguration(),
        seed: UInt64 = 1
    ) -> (MDNSMachine, [MDNSAction]) {
        var machine = MDNSMachine(localPeer: peer, configuration: configuration, seed: seed)
        let actions = machine.start(now: .zero, interfaces: [interface], addresses: addresses)
        return (machine, actions)
    }

    @Test("the peer name is 32 to 63 lowercase alphanumerics and differs per seed")
    func peerName() {
        var names = Set<String>()
        for seed in 0..<200 as Range<UInt64> {
            let name = MDNSMachine(localPeer: Fixtures.alice, seed: seed).peerName
            #expect((32...63).contains(name.count))
            #expect(name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
            names.insert(name)
        }
        #expect(names.count == 200)
    }

    @Test("start sends a query and an announcement; queries follow at ~200 ms then back off to the interval")
    func schedule() throws {
        var configuration = MDNSConfiguration()
        configuration.queryInterval = .seconds(2)
        var (machine, actions) = Self.started(
            Fixtures.alice,
            Fixtures.lan,
            [Self.aliceAddress],
            configuration: configuration
        )
        let sent = Self.sends(actions)
        #expect(sent.count == 2)
        #expect(try DNSMessage(decoding: sent[0].0) == MDNSAnnouncement.query())
        #expect(sent[0].1 == nil)
        #expect(try DNSMessage(decoding: sent[1].0).isResponse)
        #expect(sent[1].1 == "eth0")
        var queryTimes: [Duration] = []
        var now = Duration.zero
        while now < .seconds(10) {
            now += .milliseconds(10)
            if !Self.sends(machine.tick(now: now)).isEmpty { queryTimes.append(now) }
        }
        #expect(queryTimes.count >= 6)
        #expect(queryTimes[0] >= .milliseconds(180) && queryTimes[0] <= .milliseconds(230))
        let gaps = zip(queryTimes.dropFirst(), queryTimes).map { $0 - $1 }
        #expect(gaps[0] >= .milliseconds(350) && gaps[0] <= .milliseconds(450))
        #expect(gaps.allSatisfy { $0 <= .milliseconds(2210) })
        #expect(gaps.last! >= .milliseconds(1790))
        #expect(machine.statistics.queriesSent == queryTimes.count + 1)
    }

    @Test("a query is answered with the addresses reachable on its interface, no loopback by default")
    func answersQuery() throws {
        let addresses = [
            Self.aliceAddress, Fixtures.multiaddr("/ip4/127.0.0.1/tcp/4001"),
            Fixtures.multiaddr("/ip4/10.9.9.9/tcp/4001"),
            Fixtures.multiaddr("/ip4/0.0.0.0/tcp/5000"), Fixtures.multiaddr("/dns4/example.com/tcp/1"),
        ]
        var (machine, _) = Self.started(Fixtures.alice, Fixtures.lan, addresses)
        let actions = machine.receive(
            try MDNSAnnouncement.query().encoded(),
            interface: Fixtures.lan,
            now: .milliseconds(5)
        )
        let sent = Self.sends(actions)
        #expect(sent.count == 1 && sent.first?.1 == "eth0")
        let found = MDNSAnnouncement.parse(try DNSMessage(decoding: sent[0].0)).peers
        #expect(
            found.first?.addresses.map(\.description) == [
                "/ip4/192.168.1.10/tcp/4001/p2p/\(Fixtures.alice)", "/ip4/192.168.1.10/tcp/5000/p2p/\(Fixtures.alice)",
            ]
        )
        // With loopback allowed, on the loopback interface.
        var configuration = MDNSConfiguration()
        configuration.includeLoopback = true
        var (looped, _) = Self.started(Fixtures.alice, Fixtures.loopback, addresses, configuration: configuration)
        let answer = Self.sends(
            looped.receive(try MDNSAnnouncement.query().encoded(), interface: Fixtures.loopback, now: .zero)
        )
        let peers = MDNSAnnouncement.parse(try DNSMessage(decoding: answer[0].0)).peers
        #expect(
            peers.first?.addresses.map(\.description) == [
                "/ip4/127.0.0.1/tcp/4001/p2p/\(Fixtures.alice)", "/ip4/127.0.0.1/tcp/5000/p2p/\(Fixtures.alice)",
            ]
        )
    }

    @Test("the DNS-SD meta query and direct questions for our instance and host are answered")
    func directQuestions() throws {
        var (machine, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        var meta = PacketBuilder(flags: 0, questions: 1)
        meta.question(PacketBuilder.name("_services._dns-sd._udp.local"), type: 12)
        let metaAnswer = Self.sends(machine.receive(meta.bytes, interface: Fixtures.lan, now: .zero))
        #expect(metaAnswer.count == 1)
        #expect(
            try DNSMessage(decoding: metaAnswer[0].0).answers == [
                DNSRecord(name: MDNSAnnouncement.servicesMetaName, ttl: 120, data: .ptr(MDNSAnnouncement.serviceName))
            ]
        )
        let names = ["\(machine.peerName)._p2p._udp.local", "\(machine.peerName.uppercased()).local"]
        for (index, name) in names.enumerated() {
            var direct = PacketBuilder(flags: 0, questions: 1)
            direct.question(PacketBuilder.name(name), type: name.hasSuffix("_udp.local") ? 33 : 1)
            let now = Duration.seconds(index + 1)
            let answer = Self.sends(machine.receive(direct.bytes, interface: Fixtures.lan, now: now))
            #expect(answer.count == 1)
            let records = try DNSMessage(decoding: answer[0].0).additionals
            #expect(records.contains { $0.data == .a(IPv4Address("192.168.1.10")!) })
        }
    }

    @Test("answers on one interface are rate limited")
    func rateLimit() throws {
        var quiet = MDNSConfiguration()
        quiet.initialQueryDelay = .seconds(100)
        quiet.queryInterval = .seconds(100)
        var (machine, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress], configuration: quiet)
        let query = try MDNSAnnouncement.query().encoded()
        var answered: [Int] = []
        for millisecond in stride(from: 0, through: 1000, by: 50) {
            let actions = machine.receive(query, interface: Fixtures.lan, now: .milliseconds(millisecond))
            if !Self.sends(actions).isEmpty { answered.append(millisecond) }
        }
        #expect(answered == [0, 250, 500, 750, 1000])
        #expect(machine.statistics.rateLimitedAnswers == 16)
        // A held-back query is answered by tick once the interval has passed, once.
        #expect(Self.sends(machine.receive(query, interface: Fixtures.lan, now: .milliseconds(1100))).isEmpty)
        #expect(machine.nextDeadline == .milliseconds(1250))
        #expect(Self.sends(machine.tick(now: .milliseconds(1200))).isEmpty)
        let deferred = Self.sends(machine.tick(now: .milliseconds(1250)))
        #expect(deferred.count == 1 && deferred.first?.1 == "eth0")
        #expect(Self.sends(machine.tick(now: .milliseconds(1300))).isEmpty)
        // Another interface has its own budget.
        #expect(Self.sends(machine.receive(query, interface: Fixtures.loopback, now: .milliseconds(1010))).isEmpty)
        var configuration = MDNSConfiguration()
        configuration.includeLoopback = true
        var looped = MDNSMachine(localPeer: Fixtures.alice, configuration: configuration, seed: 3)
        _ = looped.start(
            now: .zero,
            interfaces: [Fixtures.lan, Fixtures.loopback],
            addresses: [
                Self.aliceAddress, Fixtures.multiaddr("/ip4/127.0.0.1/tcp/1"),
            ]
        )
        #expect(Self.sends(looped.receive(query, interface: Fixtures.lan, now: .zero)).count == 1)
        #expect(Self.sends(looped.receive(query, interface: Fixtures.loopback, now: .zero)).count == 1)
    }

    @Test("other queries and known answers get no response")
    func noResponse() throws {
        var (machine, actions) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        var other = PacketBuilder(flags: 0, questions: 1)
        other.question(PacketBuilder.name("_http._tcp.local"), type: 12)
        #expect(machine.receive(other.bytes, interface: Fixtures.lan, now: .zero).isEmpty)
        // A query listing our PTR as a known answer with a fresh TTL.
        let ours = try DNSMessage(decoding: Self.sends(actions)[1].0)
        var query = MDNSAnnouncement.query()
        query.answers = ours.answers
        #expect(machine.receive(try query.encoded(), interface: Fixtures.lan, now: .zero).isEmpty)
        #expect(machine.statistics.suppressedAnswers == 1)
        #expect(machine.receive([1, 2, 3], interface: Fixtures.lan, now: .zero).isEmpty)
        #expect(machine.statistics.malformedPackets == 1)
    }

    @Test("two machines discover each other once; own announcements are ignored")
    func discovery() throws {
        var (alice, aliceStart) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress], seed: 1)
        var (bob, bobStart) = Self.started(
            Fixtures.bob,
            Self.bobLAN,
            [Fixtures.multiaddr("/ip4/192.168.1.11/tcp/4001")],
            seed: 2
        )
        let aliceAnnouncement = Self.sends(aliceStart)[1].0
        let bobAnnouncement = Self.sends(bobStart)[1].0
        let atBob = Self.discovered(bob.receive(aliceAnnouncement, interface: Self.bobLAN, now: .milliseconds(1)))
        #expect(atBob.map(\.peer) == [Fixtures.alice])
        #expect(atBob.first?.addresses == [Fixtures.multiaddr("/ip4/192.168.1.10/tcp/4001/p2p/\(Fixtures.alice)")])
        #expect(
            Self.discovered(alice.receive(bobAnnouncement, interface: Fixtures.lan, now: .milliseconds(1))).map(\.peer)
                == [Fixtures.bob]
        )
        // Repeats are de-duplicated.
        #expect(bob.receive(aliceAnnouncement, interface: Self.bobLAN, now: .milliseconds(2)).isEmpty)
        // Our own announcement (multicast loop) is not a discovery.
        #expect(alice.receive(aliceAnnouncement, interface: Fixtures.lan, now: .milliseconds(3)).isEmpty)
        #expect(alice.statistics.ownAnnouncements == 1)
        #expect(alice.knownPeers == [Fixtures.bob])
    }

    @Test("go, rust and py responses all produce a discovery")
    func threeFormats() throws {
        var (machine, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        let packets = [
            FormatTests.goResponse(peer: Fixtures.bob).bytes,
            FormatTests.rustResponse(peer: Fixtures.carol).bytes,
        ]
        var found: [PeerID] = []
        for packet in packets {
            found += Self.discovered(machine.receive(packet, interface: Fixtures.lan, now: .zero)).map(\.peer)
        }
        let py = try PrivateKey(ed25519Seed: [UInt8](repeating: 9, count: 32)).peerID
        found += Self.discovered(
            machine.receive(FormatTests.pyResponse(peer: py).bytes, interface: Fixtures.lan, now: .zero)
        ).map(\.peer)
        #expect(found == [Fixtures.bob, Fixtures.carol, py])
    }

    @Test("an answer claiming another peer ID at our own address is rejected")
    func spoofing() throws {
        var (alice, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        let forged = try MDNSAnnouncement.response(
            peerName: "forgedforgedforgedforgedforgedfo",
            peer: Fixtures.carol,
            addresses: [Self.aliceAddress],
            hostAddresses: [],
            ttl: 120
        ).encoded()
        #expect(alice.receive(forged, interface: Fixtures.lan, now: .zero).isEmpty)
        #expect(alice.statistics.spoofedAnswers == 1)
        #expect(alice.knownPeers.isEmpty)
    }

    @Test("dials are bounded per peer: new addresses within the interval are counted and dropped")
    func dialBound() throws {
        var configuration = MDNSConfiguration()
        configuration.dialDiscovered = true
        configuration.minimumDialInterval = .seconds(30)
        var (alice, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress], configuration: configuration)
        var dials = 0
        var discoveries = 0
        for port in 1...20 {
            let packet = try MDNSAnnouncement.response(
                peerName: "bobbobbobbobbobbobbobbobbobbobbob",
                peer: Fixtures.bob,
                addresses: [Fixtures.multiaddr("/ip4/192.168.1.11/tcp/\(port)")],
                hostAddresses: [],
                ttl: 120
            ).encoded()
            let actions = alice.receive(packet, interface: Fixtures.lan, now: .milliseconds(port * 100))
            dials += Self.dials(actions).count
            discoveries += Self.discovered(actions).count
        }
        #expect(discoveries == 20)
        #expect(dials == 1)
        #expect(alice.statistics.droppedDials == 19)
        // After the interval a new address may be dialed again.
        let later = try MDNSAnnouncement.response(
            peerName: "bobbobbobbobbobbobbobbobbobbobbob",
            peer: Fixtures.bob,
            addresses: [Fixtures.multiaddr("/ip4/192.168.1.11/tcp/999")],
            hostAddresses: [],
            ttl: 120
        ).encoded()
        #expect(Self.dials(alice.receive(later, interface: Fixtures.lan, now: .seconds(40))).count == 1)
    }

    @Test("stop sends a goodbye with TTL 0 that makes the other side forget the peer")
    func goodbye() throws {
        var (alice, aliceStart) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress], seed: 1)
        var (bob, _) = Self.started(
            Fixtures.bob,
            Self.bobLAN,
            [Fixtures.multiaddr("/ip4/192.168.1.11/tcp/4001")],
            seed: 2
        )
        _ = bob.receive(Self.sends(aliceStart)[1].0, interface: Self.bobLAN, now: .zero)
        #expect(bob.knownPeers == [Fixtures.alice])
        let bye = Self.sends(alice.stop())
        #expect(bye.count == 1)
        let message = try DNSMessage(decoding: bye[0].0)
        #expect(message.allRecords.allSatisfy { $0.ttl == 0 })
        #expect(bob.receive(bye[0].0, interface: Self.bobLAN, now: .seconds(1)).isEmpty)
        #expect(bob.knownPeers.isEmpty)
        #expect(bob.statistics.goodbyes == 1)
        #expect(alice.tick(now: .seconds(100)).isEmpty)
        #expect(alice.nextDeadline == nil)
        // A stopped machine ignores input.
        #expect(
            alice.receive(try MDNSAnnouncement.query().encoded(), interface: Fixtures.lan, now: .seconds(2)).isEmpty
        )
    }

    @Test("peers expire after their TTL and are reported again afterwards")
    func expiry() throws {
        var (alice, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        let packet = try MDNSAnnouncement.response(
            peerName: "bobbobbobbobbobbobbobbobbobbobbob",
            peer: Fixtures.bob,
            addresses: [Fixtures.multiaddr("/ip4/192.168.1.11/tcp/1")],
            hostAddresses: [],
            ttl: 10
        ).encoded()
        #expect(Self.discovered(alice.receive(packet, interface: Fixtures.lan, now: .zero)).count == 1)
        _ = alice.tick(now: .seconds(11))
        #expect(alice.knownPeers.isEmpty)
        #expect(Self.discovered(alice.receive(packet, interface: Fixtures.lan, now: .seconds(12))).count == 1)
    }

    @Test("the peer table is capped; peers past the cap are counted and dropped")
    func peerCap() throws {
        var configuration = MDNSConfiguration()
        configuration.maximumPeers = 2
        var (alice, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress], configuration: configuration)
        var found = 0
        for seed in 10..<15 as Range<UInt8> {
            let peer = try PrivateKey(ed25519Seed: [UInt8](repeating: seed, count: 32)).peerID
            let packet = try MDNSAnnouncement.response(
                peerName: "peerpeerpeerpeerpeerpeerpeerpeer\(seed)",
                peer: peer,
                addresses: [Fixtures.multiaddr("/ip4/192.168.1.\(seed)/tcp/1")],
                hostAddresses: [],
                ttl: 120
            ).encoded()
            found += Self.discovered(alice.receive(packet, interface: Fixtures.lan, now: .zero)).count
        }
        #expect(found == 2)
        #expect(alice.statistics.droppedPeers == 3)
    }

    @Test("changed addresses are announced again")
    func reannounce() throws {
        var (alice, _) = Self.started(Fixtures.alice, Fixtures.lan, [Self.aliceAddress])
        #expect(alice.setAddresses([Self.aliceAddress], now: .zero).isEmpty)
        let actions = alice.setAddresses([Fixtures.multiaddr("/ip4/192.168.1.10/tcp/5555")], now: .seconds(1))
        let peers = MDNSAnnouncement.parse(try DNSMessage(decoding: Self.sends(actions)[0].0)).peers
        #expect(peers.first?.addresses == [Fixtures.multiaddr("/ip4/192.168.1.10/tcp/5555/p2p/\(Fixtures.alice)")])
    }
}
