import Foundation
import ShoalCrypto
import ShoalSecurity
import Testing

/// Throughput of the transport against raw ChaCha20-Poly1305. Prints figures only with `SHOAL_BENCH=1` (run it in
/// release: `swift build -c release --build-tests && SHOAL_BENCH=1 swift test -c release --skip-build --filter
/// ShoalSecurityTests.BenchmarkTests`); otherwise it runs a small round and only checks correctness.
@Suite("Transport throughput")
struct BenchmarkTests {
    @Test("transport encrypt+decrypt of 64 KiB frames versus raw ChaCha20-Poly1305")
    func throughput() throws {
        let enabled = ProcessInfo.processInfo.environment["SHOAL_BENCH"] == "1"
        let frameBytes = NoiseTransport.maximumPlaintextLength
        let rounds = enabled ? 1500 : 8  // per repetition: 1500 × 64 KiB ≈ 98 MB
        let repetitions = enabled ? 5 : 1  // the best of several runs, as the machine is shared
        let data = [UInt8](repeating: 0x5a, count: frameBytes)
        var (a, b) = transportPair()
        let clock = ContinuousClock()
        /// The fastest of `repetitions` runs of `body`.
        func best(_ body: () throws -> Void) rethrows -> Duration {
            var fastest = Duration.seconds(1_000_000)
            for _ in 0..<repetitions { fastest = Swift.min(fastest, try clock.measure(body)) }
            return fastest
        }

        // Transport: encrypt into a reused buffer, then decrypt into a reused buffer.
        var wire: [UInt8] = []
        wire.reserveCapacity(frameBytes + 18)
        var plain: [UInt8] = []
        plain.reserveCapacity(frameBytes)
        var checked = 0
        let transportTime = try best {
            for _ in 0..<rounds {
                wire.removeAll(keepingCapacity: true)
                try a.encrypt(data, appendingTo: &wire)
                plain.removeAll(keepingCapacity: true)
                checked += try b.decrypt(wire, appendingTo: &plain)
            }
        }
        #expect(checked == rounds * repetitions)
        #expect(plain == data)

        // Raw: ChaCha20Poly1305.seal (allocating API) on the same data, one seal per frame.
        let key = SecureBytes(randomCount: 32)
        var nonce = [UInt8](repeating: 0, count: 12)
        var sink = 0
        let sealTime = try best {
            for i in 0..<rounds {
                nonce[4] = UInt8(truncatingIfNeeded: i)
                sink &+= try ChaCha20Poly1305.seal(data, key: key, nonce: nonce).count
            }
        }
        #expect(sink == rounds * repetitions * (frameBytes + 16))

        // Raw seal + open, the same work as one transport round trip.
        var roundTrip = 0
        let sealOpenTime = try best {
            for i in 0..<rounds {
                nonce[4] = UInt8(truncatingIfNeeded: i)
                let sealed = try ChaCha20Poly1305.seal(data, key: key, nonce: nonce)
                roundTrip &+= try ChaCha20Poly1305.open(sealed, key: key, nonce: nonce).count
            }
        }
        #expect(roundTrip == rounds * repetitions * frameBytes)

        if enabled {
            let megabytes = Double(rounds * frameBytes) / 1_000_000
            func rate(_ d: Duration) -> Double {
                megabytes / (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }
            let transport = rate(transportTime)
            let seal = rate(sealTime)
            let sealOpen = rate(sealOpenTime)
            print(
                String(
                    format:
                        "SHOAL_BENCH noise transport: %.0f MB/s encrypt+decrypt (best of 5 × %d frames of %d B); raw seal %.0f MB/s; raw seal+open %.0f MB/s; transport/seal %.2f; transport/(seal+open) %.2f",
                    transport,
                    rounds,
                    frameBytes,
                    seal,
                    sealOpen,
                    transport / seal,
                    transport / sealOpen
                )
            )
        }
    }
}
