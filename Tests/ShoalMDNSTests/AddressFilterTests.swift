import ShoalMDNS
import ShoalMultiformats
import Testing

@Suite("mDNS address choice")
struct AddressFilterTests {
    static let dual = MDNSInterface(
        name: "eth0",
        index: 2,
        addresses: [.v4(IPv4Address("10.0.0.2")!), .v6(IPv6Address("fe80::2")!), .v6(IPv6Address("fd00::2")!)]
    )

    @Test("wildcards expand per family; link-local, loopback, other interfaces and DNS names are left out")
    func reachable() {
        let addresses = [
            Fixtures.multiaddr("/ip4/0.0.0.0/tcp/1"), Fixtures.multiaddr("/ip6/::/tcp/2"),
            Fixtures.multiaddr("/ip4/10.0.0.2/udp/3/quic-v1"), Fixtures.multiaddr("/ip4/10.9.0.1/tcp/4"),
            Fixtures.multiaddr("/ip6/::1/tcp/5"), Fixtures.multiaddr("/dns4/host.local/tcp/6"),
        ]
        let chosen = MDNSAddressFilter.reachable(addresses, on: Self.dual, includeLoopback: false)
        #expect(
            chosen.map(\.description) == ["/ip4/10.0.0.2/tcp/1", "/ip6/fd00::2/tcp/2", "/ip4/10.0.0.2/udp/3/quic-v1"]
        )
        let anywhere = MDNSAddressFilter.reachable(addresses, on: nil, includeLoopback: true)
        #expect(
            anywhere.map(\.description) == ["/ip4/10.0.0.2/udp/3/quic-v1", "/ip4/10.9.0.1/tcp/4", "/ip6/::1/tcp/5"]
        )
        #expect(MDNSAddressFilter.hostAddresses(of: Self.dual, includeLoopback: false).count == 2)
    }

    @Test("loopback detection covers 127.0.0.0/8 and ::1 only")
    func loopback() {
        #expect(MDNSAddressFilter.isLoopback(.v4(IPv4Address("127.1.2.3")!)))
        #expect(MDNSAddressFilter.isLoopback(.v6(IPv6Address("::1")!)))
        #expect(!MDNSAddressFilter.isLoopback(.v4(IPv4Address("10.0.0.1")!)))
        #expect(!MDNSAddressFilter.isLoopback(.v6(IPv6Address("::2")!)))
    }
}
