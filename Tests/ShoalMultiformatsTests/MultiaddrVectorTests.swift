import ShoalMultiformats
import Testing

/// Valid multiaddrs: text, exact binary, and the canonical text when it differs from the input.
///
/// Cases come from wire.md §4.2, the multiaddr `test/multiaddr.feature` file, and the valid-address lists of
/// go-multiaddr's tests (`TestConstructSucceeds`, `TestStringToBytes`, `TestRoundTrip`, `TestZone`). The hex was
/// computed by an independent Python script (stdlib `ipaddress`, `base64`, integer base58/base36), not by this module.
let validMultiaddrs: [(text: String, hex: String, canonical: String?)] = [
    ("/ip4/1.2.3.4", "0401020304", nil),
    ("/ip4/0.0.0.0", "0400000000", nil),
    ("/ip4/192.0.2.0/ipcidr/24", "04c00002002b18", nil),
    ("/ip6/::1", "2900000000000000000000000000000001", nil),
    ("/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21", "29260100094f819700803eca6566e80c21", nil),
    ("/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic", "29260100094f819700803eca6566e80c21910204d2cc03", nil),
    (
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic-v1", "29260100094f819700803eca6566e80c21910204d2cd03",
        nil
    ),
    ("/ip6/2001:db8::/ipcidr/32", "2920010db80000000000000000000000002b20", nil),
    ("/ip6zone/x/ip6/fe80::1", "2a017829fe800000000000000000000000000001", nil),
    ("/ip6zone/x%y/ip6/fe80::1", "2a0378257929fe800000000000000000000000000001", nil),
    ("/ip6zone/x%y/ip6/::", "2a037825792900000000000000000000000000000000", nil),
    ("/ip6zone/x/ip6/fe80::1/udp/1234/quic-v1", "2a017829fe800000000000000000000000000001910204d2cd03", nil),
    ("/onion/timaq4ygg2iegci7:1234", "bc039a18087306369043091f04d2", nil),
    ("/onion/timaq4ygg2iegci7:80/http", "bc039a18087306369043091f0050e003", nil),
    (
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234",
        "bd03adadec040be047f9658668b11a504f3155001f231a37f54c4476c07fb4cc139ed7e30304d2", nil
    ),
    ("/udp/0", "91020000", nil),
    ("/tcp/0", "060000", nil),
    ("/sctp/0", "84010000", nil),
    ("/udp/1234", "910204d2", nil),
    ("/tcp/1234", "0604d2", nil),
    ("/udp/65535", "9102ffff", nil),
    ("/tcp/65535", "06ffff", nil),
    (
        "/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"
    ),
    (
        "/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"
    ),
    (
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b", nil
    ),
    (
        "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"
    ),
    (
        "/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"
    ),
    (
        "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
        "a503260024080112202d3de6d16ae87f7a933fe1552162a2d3f04951e90e8051e4ee2c18f002dd0fb4", nil
    ),
    (
        "/p2p/k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
        "a503260024080112202d3de6d16ae87f7a933fe1552162a2d3f04951e90e8051e4ee2c18f002dd0fb4",
        "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV"
    ),
    (
        "/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
        "a503260024080112202d3de6d16ae87f7a933fe1552162a2d3f04951e90e8051e4ee2c18f002dd0fb4",
        "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV"
    ),
    ("/udp/1234/sctp/1234", "910204d2840104d2", nil),
    ("/udp/1234/udt", "910204d2ad02", nil),
    ("/udp/1234/utp", "910204d2ae02", nil),
    ("/tcp/1234/http", "0604d2e003", nil),
    ("/tcp/1234/tls/http", "0604d2c003e003", nil),
    ("/tcp/1234/https", "0604d2bb03", nil),
    (
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b0604d2", nil
    ),
    ("/ip4/127.0.0.1/udp/1234", "047f000001910204d2", nil),
    ("/ip4/127.0.0.1/udp/0", "047f00000191020000", nil),
    ("/ip4/127.0.0.1/tcp/1234", "047f0000010604d2", nil),
    ("/ip4/127.0.0.1/tcp/1234/", "047f0000010604d2", "/ip4/127.0.0.1/tcp/1234"),
    ("/ip4/127.0.0.1/udp/1234/quic-v1/webtransport", "047f000001910204d2cd03d103", nil),
    (
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy",
        "047f000001910204d2cd03d103d20313d501103858f62230ac3c915f300c664312c63f",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/u1QEQOFj2IjCsPJFfMAxmQxLGPw"
    ),
    (
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy/certhash/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41",
        "047f000001910204d2cd03d103d20313d501103858f62230ac3c915f300c664312c63fd203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/u1QEQOFj2IjCsPJFfMAxmQxLGPw/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g"
    ),
    (
        "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "047f000001a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b0604d2", nil
    ),
    ("/unix/a/b/c/d/e", "90030a2f612f622f632f642f65", nil),
    ("/unix/stdio", "9003062f737464696f", nil),
    ("/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f", "040102030406005090030c2f612f622f632f642f652f66", nil),
    (
        "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234/unix/stdio",
        "047f000001a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b0604d29003062f737464696f",
        nil
    ),
    ("/ip4/127.0.0.1/tcp/9090/http/p2p-webrtc-direct", "047f000001062382e0039402", nil),
    ("/ip4/127.0.0.1/tcp/127/ws", "047f00000106007fdd03", nil),
    ("/ip4/127.0.0.1/tcp/127/tls", "047f00000106007fc003", nil),
    ("/ip4/127.0.0.1/tcp/127/tls/ws", "047f00000106007fc003dd03", nil),
    ("/ip4/127.0.0.1/tcp/127/noise", "047f00000106007fc603", nil),
    ("/ip4/127.0.0.1/tcp/127/wss", "047f00000106007fde03", nil),
    ("/ip4/127.0.0.1/tcp/127/webrtc-direct", "047f00000106007f9802", nil),
    ("/ip4/127.0.0.1/tcp/127/webrtc", "047f00000106007f9902", nil),
    (
        "/ip4/127.0.0.1/tcp/443/tls/sni/example.com/http/http-path/foo",
        "047f0000010601bbc003c1030b6578616d706c652e636f6de003e10303666f6f", nil
    ),
    ("/memory/4", "89060000000000000004", nil),
    ("/ip6/::ffff:127.0.0.1/tcp/111", "2900000000000000000000ffff7f00000106006f", nil),
    ("/ip4/127.0.0.1/udp/123/ip6/::", "047f0000019102007b2900000000000000000000000000000000", nil),
    (
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
        "047f000001910204d2cd03d103d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2", nil
    ),
    (
        "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP/unix/a/b/c",
        "a503221220c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad69003062f612f622f63", nil
    ),
    ("/ip4/192.0.2.42/tcp/443", "04c000022a0601bb", nil),
    ("/ip4/1.2.3.4/udp/4001/quic-v1", "040102030491020fa1cd03", nil),
    (
        "/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
        "a503260024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", nil
    ),
    ("/dnsaddr/bootstrap.libp2p.io", "3813626f6f7473747261702e6c69627032702e696f", nil),
    ("/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321", "047f000001910204d2047f0000010610e1", nil),
    ("/onion/aaimaq4ygg2iegci:80", "bc030010c0439831b48218480050", nil),
    ("/ip6zone/eth0/ip6/::1", "2a04657468302900000000000000000000000000000001", nil),
    ("/dns4/example.com/tcp/443/wss/p2p-circuit", "360b6578616d706c652e636f6d0601bbde03a202", nil),
    ("/dns6/localhost/tcp/1", "37096c6f63616c686f7374060001", nil),
    ("/dns/example.org/udp/443/quic-v1/webtransport", "350b6578616d706c652e6f7267910201bbcd03d103", nil),
    (
        "/ip4/1.2.3.4/tcp/1/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq/p2p-circuit/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "0401020304060001a503260024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27ea202a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
        nil
    ),
    ("/memory/18446744073709551615", "8906ffffffffffffffff", nil),
    (
        "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
        "0401020304910200019802d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2", nil
    ),
    ("/ip4/10.0.0.1/tcp/80/http/http-path/a%2Fb+c", "040a000001060050e003e10305612f622063", nil),
]

@Suite("Multiaddr vectors")
struct MultiaddrVectorTests {
    @Test("text → bytes → text", arguments: validMultiaddrs)
    func textToBytes(text: String, expectedHex: String, canonical: String?) throws {
        let address = try Multiaddr(text)
        #expect(hexString(address.bytes) == expectedHex)
        #expect(address.description == (canonical ?? text))
        // The printed text parses back to the same bytes.
        #expect(try Multiaddr(address.description) == address)
    }

    @Test("bytes → text → bytes", arguments: validMultiaddrs)
    func bytesToText(text: String, expectedHex: String, canonical: String?) throws {
        let address = try Multiaddr(bytes: hex(expectedHex))
        #expect(address.description == (canonical ?? text))
        #expect(try Multiaddr(address.description).bytes == hex(expectedHex))
        #expect(try Multiaddr(components: address.components) == address)
    }

    /// `test/multiaddr.feature`, scenarios "Simple string form" and "Simple packed form".
    @Test("multiaddr.feature: components of /ip4/192.0.2.42/tcp/443")
    func featureFile() throws {
        let fromText = try Multiaddr("/ip4/192.0.2.42/tcp/443")
        #expect(fromText.bytes == hex("04c000022a0601bb"))
        #expect(fromText.bytes.count == 8)
        let fromBytes = try Multiaddr(bytes: hex("04c000022a0601bb"))
        #expect(fromBytes.description == "/ip4/192.0.2.42/tcp/443")
        #expect(fromBytes.description.utf8.count == 23)
        // string | stringSize | packed | packedSize | value | valueSize | protocol | codec | uvarint | rawValue
        let rows: [(String, Int, String, Int, String, Int, String, UInt64, String, String)] = [
            ("/ip4/192.0.2.42", 15, "04c000022a", 5, "192.0.2.42", 4, "ip4", 4, "04", "c000022a"),
            ("/tcp/443", 8, "0601bb", 3, "443", 2, "tcp", 6, "06", "01bb"),
        ]
        for address in [fromText, fromBytes] {
            #expect(address.components.count == rows.count)
            for (component, row) in zip(address.components, rows) {
                #expect(component.description == row.0)
                #expect(component.description.utf8.count == row.1)
                #expect(hexString(component.bytes) == row.2)
                #expect(component.bytes.count == row.3)
                #expect(component.valueText == row.4)
                #expect(component.value.count == row.5)
                #expect(component.name == row.6)
                #expect(component.code == row.7)
                #expect(hexString(UVarint.encode(component.code)) == row.8)
                #expect(hexString(component.value) == row.9)
            }
        }
    }

    @Test("/ipfs/ and /p2p/ are the same address; trailing slashes are ignored")
    func aliases() throws {
        let p2p = try Multiaddr("/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP")
        let ipfs = try Multiaddr("/ipfs/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP")
        #expect(p2p == ipfs)
        #expect(ipfs.description == "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP")
        #expect(Set([p2p, ipfs]).count == 1)
        #expect(try Multiaddr("/ip4/127.0.0.1/tcp/1234///") == Multiaddr("/ip4/127.0.0.1/tcp/1234"))
        #expect(try Multiaddr("/ip4/127.0.0.1/udp/1234") != Multiaddr("/ip4/127.0.0.1/tcp/1234"))
    }

    @Test("non-canonical text is accepted and printed canonically")
    func canonicalisation() throws {
        #expect(try Multiaddr("/tcp/00080").description == "/tcp/80")
        #expect(try Multiaddr("/ip6/2001:DB8:0:0:0:0:0:1").description == "/ip6/2001:db8::1")
        #expect(try Multiaddr("/ip6/::ffff:c000:0201").description == "/ip6/::ffff:192.0.2.1")
        #expect(try Multiaddr("/onion/TIMAQ4YGG2IEGCI7:1234").description == "/onion/timaq4ygg2iegci7:1234")
        #expect(try Multiaddr("/http-path/a%20b").description == "/http-path/a+b")
    }
}
