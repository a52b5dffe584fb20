import ShoalMultiformats
import Testing

@Suite("IP addresses")
struct IPAddressTests {
    @Test(
        "IPv4 accepts dotted quads only",
        arguments: [
            ("1.2.3.4", true), ("0.0.0.0", true), ("255.255.255.255", true), ("256.1.1.1", false),
            ("1.2.3", false), ("1.2.3.4.5", false), ("01.2.3.4", false), ("1..2.3", false), ("1.2.3.4 ", false),
            ("::1", false), ("a.b.c.d", false), ("", false), ("1.2.3.-4", false), ("1111.2.3.4", false),
        ]
    )
    func ipv4(text: String, valid: Bool) {
        let address = IPv4Address(text)
        #expect((address != nil) == valid)
        if let address { #expect(address.description == text) }
    }

    /// RFC 5952 canonical forms (§4.2.1–4.3 and §5 examples).
    @Test(
        "IPv6 prints in RFC 5952 form",
        arguments: [
            ("::1", "::1"), ("::", "::"), ("2001:DB8::1", "2001:db8::1"),
            ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group stays
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // the first of two equal runs
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),  // the longest run
            ("fe80::1", "fe80::1"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"), ("::ffff:c000:0201", "::ffff:192.0.2.1"),
            ("::192.0.2.1", "::c000:201"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("2601:9:4f81:9700:803e:ca65:66e8:c21", "2601:9:4f81:9700:803e:ca65:66e8:c21"),
        ]
    )
    func ipv6Canonical(text: String, canonical: String) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.description == canonical)
        #expect(IPv6Address(canonical) == address)
    }

    @Test(
        "IPv6 rejects malformed text",
        arguments: [
            "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::", "::1%eth0",
            "1.2.3.4", "1:2:3:4:5:6:7:8::", "::1.2.3", ":1::", "1::2:", "::ffff:1.2.3.4:5", "1.2.3.4::",
        ]
    )
    func ipv6Invalid(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test("byte initialisers check the count")
    func bytes() {
        #expect(IPv4Address(bytes: [1, 2, 3]) == nil)
        #expect(IPv6Address(bytes: [UInt8](repeating: 0, count: 15)) == nil)
        #expect(IPAddress.v4(IPv4Address(bytes: [10, 0, 0, 1])!).description == "10.0.0.1")
        #expect(IPAddress.v6(IPv6Address("::1")!).bytes.count == 16)
    }

    @Test("random IPv6 addresses round-trip through their text")
    func ipv6RoundTrip() throws {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<5_000 {
            var bytes = rng.bytes(16)
            // Make zero runs likely.
            for index in 0..<8 where Bool.random(using: &rng) {
                bytes[2 * index] = 0
                bytes[2 * index + 1] = 0
            }
            let address = try #require(IPv6Address(bytes: bytes))
            if IPv6Address(address.description) != address {
                Issue.record("IPv6 round trip failed for \(address)")
            }
        }
    }
}
