extension Array where Element == UInt8 {
    init(hex: String) {
        var out: [UInt8] = []
        var chars = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") })
        if chars.count % 2 == 1 { chars.insert(UInt8(ascii: "0"), at: 0) }
        var i = 0
        while i < chars.count {
            let s = String(decoding: chars[i..<i + 2], as: UTF8.self)
            out.append(UInt8(s, radix: 16)!)
            i += 2
        }
        self = out
    }

    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
