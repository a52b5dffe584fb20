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
        let rounds = enabled ? 4000 : 8  // 4000 × 64 KiB ≈ 262 MB
        let data = [UInt8](repeating: 0x5a, count: frameBytes)
        var (a, b) = transportPair()
        let clock = ContinuousClock()

        // Transport: encrypt into a reused buffer, then decrypt into a reused buffer.
        var wire: [UInt8] = []
        wire.reserveCapacity(frameBytes + 18)
        var plain: [UInt8] = []
        plain.reserveCapacity(frameBytes)
        var checked = 0
        let transportTime = try clock.measure {
            for _ in 0..<rounds {
                wire.removeAll(keepingCapacity: true)
                try a.encrypt(data, appendingTo: &wire)
                plain.removeAll(keepingCapacity: true)
                checked += try b.decrypt(wire, appendingTo: &plain)
            }
        }
        #expect(checked == rounds)
        #expect(plain == data)

        // Raw: ChaCha20Poly1305.seal (allocating API) on the same data, one seal per frame.
        let key = SecureBytes(randomCount: 32)
        var nonce = [UInt8](repeating: 0, count: 12)
        var sink = 0
        let sealTime = try clock.measure {
            for i in 0..<rounds {
                nonce[4] = UInt8(truncatingIfNeeded: i)
                sink &+= try ChaCha20Poly1305.seal(data, key: key, nonce: nonce).count
            }
        }
        #expect(sink == rounds * (frameBytes + 16))

        // Raw seal + open, the same work as one transport round trip.
        var roundTrip = 0
        let sealOpenTime = try clock.measure {
            for i in 0..<rounds {
                nonce[4] = UInt8(truncatingIfNeeded: i)
                let sealed = try ChaCha20Poly1305.seal(data, key: key, nonce: nonce)
                roundTrip &+= try ChaCha20Poly1305.open(sealed, key: key, nonce: nonce).count
            }
        }
        #expect(roundTrip == rounds * frameBytes)

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
                        "SHOAL_BENCH noise transport: %.0f MB/s encrypt+decrypt (%d frames of %d B); raw seal %.0f MB/s; raw seal+open %.0f MB/s; transport/seal %.2f; transport/(seal+open) %.2f",
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
