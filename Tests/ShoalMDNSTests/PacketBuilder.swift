import ShoalCore
import ShoalMDNS
import ShoalMultiformats

/// Builds DNS packets byte by byte, independently of the codec under test.
struct PacketBuilder {
    var bytes: [UInt8] = []

    /// A header with the given flags and section counts.
    init(
        id: UInt16 = 0,
        flags: UInt16,
        questions: Int = 0,
        answers: Int = 0,
        authorities: Int = 0,
        additionals: Int = 0
    ) {
        u16(id)
        u16(flags)
        for count in [questions, answers, authorities, additionals] { u16(UInt16(count)) }
    }

    mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(value & 0xFFFF))
    }

    /// An uncompressed name from dotted text.
    static func name(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in text.split(separator: ".") {
            out.append(UInt8(label.utf8.count))
            out += Array(label.utf8)
        }
        return out + [0]
    }

    /// A compression pointer to `offset`.
    static func pointer(_ offset: Int) -> [UInt8] { [0xC0 | UInt8(offset >> 8), UInt8(offset & 0xFF)] }

    /// Appends a question; returns the offset of its name.
    @discardableResult
    mutating func question(_ name: [UInt8], type: UInt16, rawClass: UInt16 = 1) -> Int {
        let at = bytes.count
        bytes += name
        u16(type)
        u16(rawClass)
        return at
    }

    /// Appends a record; returns (offset of the owner name, offset of the data).
    @discardableResult
    mutating func record(_ name: [UInt8], type: UInt16, rawClass: UInt16 = 1, ttl: UInt32, data: [UInt8]) -> (Int, Int)
    {
        let at = bytes.count
        bytes += name
        u16(type)
        u16(rawClass)
        u32(ttl)
        u16(UInt16(data.count))
        let dataAt = bytes.count
        bytes += data
        return (at, dataAt)
    }

    /// TXT data from strings.
    static func txt(_ strings: [String]) -> [UInt8] {
        strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }

    /// SRV data.
    static func srv(port: UInt16, target: [UInt8]) -> [UInt8] {
        [0, 0, 0, 0, UInt8(port >> 8), UInt8(port & 0xFF)] + target
    }
}

/// Test identities.
enum Fixtures {
    static let alice = try! PrivateKey(ed25519Seed: [UInt8](repeating: 1, count: 32)).peerID
    static let bob = try! PrivateKey(ed25519Seed: [UInt8](repeating: 2, count: 32)).peerID
    static let carol = try! PrivateKey(ed25519Seed: [UInt8](repeating: 3, count: 32)).peerID

    static func multiaddr(_ text: String) -> Multiaddr { try! Multiaddr(text) }

    static let lan = MDNSInterface(
        name: "eth0",
        index: 2,
        addresses: [.v4(IPv4Address("192.168.1.10")!), .v6(IPv6Address("fe80::1")!)]
    )
    static let loopback = MDNSInterface(name: "lo", index: 1, addresses: [.v4(IPv4Address("127.0.0.1")!)])
}
