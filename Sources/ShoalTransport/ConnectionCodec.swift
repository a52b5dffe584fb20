import ShoalCore
import ShoalSecurity

/// The sending half of an established connection's framing: Noise transport frames, optionally inside the pnet
/// XSalsa20 stream. Owned by the connection's writer task alone, so encryption runs outside every lock.
struct ConnectionSealer: Sendable {
    // A copy of the handshake's transport; only its sending cipher state is used (and advanced) here.
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    mutating func seal(_ plaintext: [UInt8], into out: inout [UInt8]) throws {
        guard privateNetwork != nil else {
            try noise.encrypt(plaintext, appendingTo: &out)
            return
        }
        var framed: [UInt8] = []
        try noise.encrypt(plaintext, appendingTo: &framed)
        out += privateNetwork!.encrypt(framed)
    }
}

/// The receiving half: owned by the connection's reader task alone.
struct ConnectionOpener: Sendable {
    // A copy of the handshake's transport (with any bytes that followed the handshake); only its receiving cipher
    // state is used here.
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    mutating func open(_ bytes: [UInt8]) throws -> [UInt8] {
        var plaintext: [UInt8] = []
        if privateNetwork != nil {
            let clear = privateNetwork!.decrypt(bytes)
            try noise.decrypt(clear, appendingTo: &plaintext)
        } else {
            try noise.decrypt(bytes, appendingTo: &plaintext)
        }
        return plaintext
    }
}
