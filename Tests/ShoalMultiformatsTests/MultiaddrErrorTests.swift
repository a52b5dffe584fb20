import ShoalMultiformats
import Testing

/// Invalid text multiaddrs: go-multiaddr's `TestConstructFails` list (the protocols this module supports, plus
/// garlic, which it does not) and its `TestInvalidP2PAddrString` cases, each with the expected error code.
let invalidMultiaddrTexts: [(String, MultiformatsError.Code)] = [
    ("", .malformed), ("/", .malformed), ("//", .malformed), ("ip4/1.2.3.4", .malformed),
    ("/ip4", .truncated), ("/ip4/::1", .invalidValue), ("/ip4/fdpsofodsajfdoisa", .invalidValue),
    ("/ip4/::/ipcidr/256", .invalidValue), ("/ip6/::/ipcidr/1026", .invalidValue), ("/ip6", .truncated),
    ("/ip6zone", .truncated), ("/ip6zone/", .truncated), ("/ip6zone//ip6/fe80::1", .invalidValue),
    ("/udp", .truncated), ("/tcp", .truncated), ("/sctp", .truncated), ("/udp/65536", .invalidValue),
    ("/tcp/65536", .invalidValue), ("/quic/65536", .unknownCode), ("/quic-v1/65536", .unknownCode),
    ("/onion/9imaq4ygg2iegci7:80", .invalidValue), ("/onion/aaimaq4ygg2iegci7:80", .invalidValue),
    ("/onion/timaq4ygg2iegci7:0", .invalidValue), ("/onion/timaq4ygg2iegci7:-1", .invalidValue),
    ("/onion/timaq4ygg2iegci7", .invalidValue), ("/onion/timaq4ygg2iegci@:666", .invalidValue),
    ("/onion3/9ww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:80", .invalidValue),
    ("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd7:80", .invalidValue),
    ("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:0", .invalidValue),
    ("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:-1", .invalidValue),
    ("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd", .invalidValue),
    ("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyy@:666", .invalidValue),
    ("/garlic32/566niximlxdzpanmn4qouucvua3k7neniwss47li5r6ugoertzuq", .unknownCode),
    ("/udp/1234/sctp", .truncated), ("/udp/1234/udt/1234", .unknownCode), ("/udp/1234/utp/1234", .unknownCode),
    ("/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa", .invalidValue), ("/ip4/127.0.0.1/udp", .truncated),
    ("/ip4/127.0.0.1/tcp/jfodsajfidosajfoidsa", .invalidValue), ("/ip4/127.0.0.1/tcp", .truncated),
    ("/ip4/127.0.0.1/quic/1234", .unknownCode), ("/ip4/127.0.0.1/quic-v1/1234", .unknownCode),
    ("/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash", .truncated),
    // One character missing from the certhash.
    ("/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp", .invalidLength),
    ("/ip4/127.0.0.1/ipfs", .truncated), ("/ip4/127.0.0.1/ipfs/tcp", .unknownCode),
    ("/ip4/127.0.0.1/p2p", .truncated), ("/ip4/127.0.0.1/p2p/tcp", .unknownCode), ("/unix", .truncated),
    ("/ip4/1.2.3.4/tcp/80/unix", .truncated), ("/ip4/127.0.0.1/tcp/9090/http/p2p-webcrt-direct", .unknownCode),
    ("/memory/92233720368547758081", .invalidValue), ("/memory/-1", .invalidValue),
    // TestInvalidP2PAddrString: bad multibase, unknown multibase, non-libp2p-key codec.
    ("/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-", .invalidCharacter),
    ("/p2p/?unknownmultibase", .unknownCode),
    ("/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z", .invalidValue),
    // Own cases.
    ("/tcp/+80", .invalidValue), ("/tcp/", .truncated), ("/ip4//tcp/1", .invalidValue),
    ("/ip4/1.2.3.4//tcp/1", .malformed),
    ("/dns/", .truncated), ("/dns//tcp/1", .invalidValue), ("/http-path/%zz", .invalidValue),
    ("/http-path/%2", .invalidValue), ("/p2p/12D3KooW", .truncated),
    ("/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNK", .malformed),
    ("/certhash/uEiA", .truncated),
]

/// Invalid binary multiaddrs with the expected error code.
let invalidMultiaddrBytes: [(String, MultiformatsError.Code)] = [
    ("", .malformed),
    ("04 7f0000", .truncated),  // ip4 needs 4 bytes
    ("06 04", .truncated),
    ("8000", .nonMinimal),  // non-minimal protocol code
    ("ffffffffffffffffffff", .overflow),
    ("e707", .unknownCode),  // code 999
    ("35", .truncated),  // dns without a length
    ("35 05 6162", .truncated),  // dns length beyond the input
    ("35 00", .invalidValue),  // empty dns
    ("35 03 612f62", .invalidValue),  // dns with '/'
    ("35 02 c328", .invalidValue),  // dns that is not UTF-8
    ("35 8000", .nonMinimal),  // non-minimal length
    ("9003 01 2f", .invalidValue),  // unix path "/" is too short
    ("9003 02 612f", .invalidValue),  // unix path must start with '/'
    ("9003 03 2f612f", .invalidValue),  // unix path must not end with '/'
    ("9003 02 2f61 0604d2", .malformed),  // nothing may follow a unix path
    // go-multiaddr TestInvalidP2PAddrBytes: the declared multihash length is wrong.
    ("a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6", .truncated),
    ("a503 04 11020102", .invalidValue),  // sha1 is not a peer-ID hash
    ("d203 04 00010101", .malformed),  // certhash multihash with a trailing byte
    ("bc03 9a18087306369043091f 0000", .invalidValue),  // onion port 0
    ("8906 00", .truncated),  // memory needs 8 bytes
]

@Suite("Multiaddr errors")
struct MultiaddrErrorTests {
    @Test("invalid text throws the expected code", arguments: invalidMultiaddrTexts)
    func invalidText(text: String, code: MultiformatsError.Code) {
        let error = expectFailure { () throws(MultiformatsError) in try Multiaddr(text) }
        #expect(error?.code == code, "\(text): \(String(describing: error))")
    }

    @Test("invalid bytes throw the expected code", arguments: invalidMultiaddrBytes)
    func invalidBytes(hexText: String, code: MultiformatsError.Code) {
        let error = expectFailure { () throws(MultiformatsError) in try Multiaddr(bytes: hex(hexText)) }
        #expect(error?.code == code, "\(hexText): \(String(describing: error))")
    }

    @Test(
        "messages name the problem and the component",
        arguments: [
            ("/ip4/1.2.3.4/tcp/1/tcpx/2", "unknown protocol 'tcpx' at component 3"),
            ("/ip4/1.2.3.4/tcp/99999", "invalid port '99999' for tcp at component 2"),
            ("/ip4/1.2.3", "invalid ip4 address '1.2.3' at component 1"),
            ("/ip6/1::2::3", "invalid ip6 address '1::2::3' at component 1"),
            ("/dns4/example.com/tcp", "missing value for tcp at component 2"),
            ("", "empty multiaddr"),
            ("/", "empty multiaddr"),
            ("ip4/1.2.3.4", "multiaddr must begin with '/'"),
            ("/ip4/1.2.3.4//tcp/1", "empty protocol name at component 2"),
            (
                "/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z",
                "p2p CID has codec dag-pb (0x70), expected libp2p-key (0x72) at component 1"
            ),
            ("/p2p/12D3K0oW", "invalid base58btc character '0' at position 5 at component 1"),
        ]
    )
    func messages(text: String, message: String) {
        let error = expectFailure { () throws(MultiformatsError) in try Multiaddr(text) }
        #expect(error?.message == message)
    }

    @Test("binary messages name the component")
    func binaryMessages() {
        let unknown = expectFailure { () throws(MultiformatsError) in try Multiaddr(bytes: hex("0604d2 e707")) }
        #expect(unknown?.message == "unknown protocol code 999 at component 2")
        let short = expectFailure { () throws(MultiformatsError) in try Multiaddr(bytes: hex("04 7f00")) }
        #expect(short?.message == "ip4 value needs 4 bytes, 2 left at component 1")
    }

    @Test("limits: bytes, text and component count")
    func limits() {
        let many = String(repeating: "/tls", count: Multiaddr.maximumComponentCount + 1)
        #expect(expectFailure { () throws(MultiformatsError) in try Multiaddr(many) }?.code == .limitExceeded)
        let manyBytes = [UInt8](repeating: 0, count: Multiaddr.maximumComponentCount + 1).flatMap { _ in hex("c003") }
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr(bytes: manyBytes) }?.code == .limitExceeded
        )
        let long = "/dns/" + String(repeating: "a", count: Multiaddr.maximumTextLength)
        #expect(expectFailure { () throws(MultiformatsError) in try Multiaddr(long) }?.code == .limitExceeded)
        let big = "/dns/" + String(repeating: "a", count: Multiaddr.maximumByteCount)
        #expect(expectFailure { () throws(MultiformatsError) in try Multiaddr(big) }?.code == .limitExceeded)
        let bigBytes = [UInt8](repeating: 0xc0, count: Multiaddr.maximumByteCount + 1)
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr(bytes: bigBytes) }?.code == .limitExceeded
        )
    }
}
