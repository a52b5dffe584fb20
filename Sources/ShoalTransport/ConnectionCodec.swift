import ShoalCore
import ShoalSecurity

/// The established connection's framing: Noise transport frames, optionally inside the pnet XSalsa20 stream.
struct ConnectionCodec: SecureFrameCodec {
    var noise: NoiseTransport
    var privateNetwork: PrivateNetworkConnection?

    mutating func seal(_ plaintext: [UInt8], into out: inout [UInt8]) throws {
        if privateNetwork == nil {
            try noise.encrypt(plaintext, appendingTo: &out)
            return
        }
        var framed: [UInt8] = []
        try noise.encrypt(plaintext, appendingTo: &framed)
        out += privateNetwork!.encrypt(framed)
    }

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
