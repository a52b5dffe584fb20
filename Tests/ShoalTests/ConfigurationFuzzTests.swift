import Shoal
import ShoalCore
import Testing

@Suite("Node configuration fuzzing")
struct ConfigurationFuzzTests {
    @Test("2,000 seeded mutations of the example either load or fail with one invalidArgument line")
    func mutations() {
        var generator = SplitMix64(seed: 2026)
        let base = Array(NodeConfiguration.example.utf8)
        let alphabet = Array("[]=\"'#.,-_ 0123456789abcxyz\n\t{}".utf8)
        var loaded = 0
        var refused = 0
        for _ in 0..<2_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try NodeConfiguration(toml: text, file: "fuzz.toml")
                loaded += 1
            } catch let error as ShoalError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix("fuzz.toml"))
                #expect(!error.message.contains("\n"))
                refused += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(loaded + refused == 2_000)
        #expect(loaded > 0 && refused > 0)
    }
}
