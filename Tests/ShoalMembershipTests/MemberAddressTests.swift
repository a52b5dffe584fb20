import ShoalCore
import ShoalMultiformats
import Testing

@testable import ShoalMembership
@testable import ShoalSWIM

@Suite("Member addresses, the rate cap and event mapping")
struct MemberAddressTests {
    @Test("an IPv4 address with a host port round-trips through the record encoding")
    func roundTripV4() throws {
        let address = MemberAddress(ip: .v4(try #require(IPv4Address("10.1.2.3"))), udpPort: 7946, tcpPort: 4001)
        let encoded = address.swimAddress
        #expect(encoded.bytes.count == 10)
        #expect(try MemberAddress(swimAddress: encoded) == address)
        #expect(address.udpMultiaddr.description == "/ip4/10.1.2.3/udp/7946")
        #expect(address.tcpMultiaddr?.description == "/ip4/10.1.2.3/tcp/4001")
    }

    @Test("an IPv6 address without a host port round-trips")
    func roundTripV6() throws {
        let address = MemberAddress(ip: .v6(try #require(IPv6Address("::1"))), udpPort: 1, tcpPort: nil)
        let decoded = try MemberAddress(swimAddress: address.swimAddress)
        #expect(decoded == address)
        #expect(decoded.tcpMultiaddr == nil)
    }

    @Test("malformed record addresses are rejected with typed errors")
    func malformed() throws {
        let cases: [[UInt8]] = [
            [], [2, 4, 1, 2, 3, 4, 0, 1, 0, 0], [1, 5, 1, 2, 3, 4, 0, 1, 0, 0], [1, 4, 1, 2, 3, 4, 0, 1, 0],
            [1, 4, 1, 2, 3, 4, 0, 0, 0, 0], [1, 6, 1, 2, 3, 4, 0, 1, 0, 0],
        ]
        for bytes in cases {
            #expect(throws: ShoalError.self) { try MemberAddress(swimAddress: try SWIM.Address(bytes)) }
        }
    }

    @Test("the rate cap admits a burst, refills with time, and bounds the sources it tracks")
    func rateLimiter() {
        var limiter = SourceRateLimiter<String>(rate: 10, burst: 5, maxSources: 2)
        let second: UInt64 = 1_000_000_000
        var burst: [Bool] = []
        for _ in 0..<6 { burst.append(limiter.admit("a", now: 0)) }
        #expect(burst == [true, true, true, true, true, false])
        let refilled = limiter.admit("a", now: second / 10)
        let emptyAgain = limiter.admit("a", now: second / 10)
        #expect(refilled && !emptyAgain)
        let b = limiter.admit("b", now: second / 5)
        let c = limiter.admit("c", now: second / 4)
        #expect(b && c)
        #expect(limiter.buckets.count == 2)
        #expect(limiter.buckets["a"] == nil)
    }

    @Test("instance events map to membership events")
    func eventMapping() throws {
        let key = PrivateKey()
        let record = try SWIM.MemberRecord(
            signingWith: key.ed25519Key,
            uid: 5,
            incarnation: 2,
            state: .alive,
            address: MemberAddress(ip: .v4(try #require(IPv4Address("127.0.0.1"))), udpPort: 9, tcpPort: 10)
                .swimAddress,
            metadata: [1, 2]
        )
        let member = SWIM.Member(
            node: record.node,
            status: .suspect,
            incarnation: 2,
            address: record.address,
            metadata: [1, 2]
        )
        let pairs: [(SWIM.MemberEvent.Kind, MembershipEvent.Kind)] = [
            (.joined, .up), (.updated, .metadataChanged), (.suspect, .suspect), (.alive, .aliveAgain),
            (.dead, .dead), (.left, .left),
        ]
        for (from, to) in pairs {
            let event = try #require(MembershipEvent(SWIM.MemberEvent(kind: from, member: member)))
            #expect(event.kind == to)
            #expect(event.member.peerID == key.peerID)
            #expect(event.member.hostAddress?.description == "/ip4/127.0.0.1/tcp/10/p2p/\(key.peerID)")
        }
    }
}
