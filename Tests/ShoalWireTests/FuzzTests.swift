import ShoalCore
import Testing

@testable import ShoalWire

// MARK: - Mutation helpers

extension SplitMix64 {
    /// Returns `bytes` with a few random mutations: flips, insertions, deletions, truncation or pure noise.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<10, using: &self) {
        case 0..<4:
            return out
        case 4, 5:
            for _ in 0..<Int.random(in: 1...3, using: &self) where !out.isEmpty {
                out[Int.random(in: 0..<out.count, using: &self)] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &self)
            }
        case 6:
            let at = Int.random(in: 0...out.count, using: &self)
            out.insert(contentsOf: self.bytes(Int.random(in: 1...8, using: &self)), at: at)
        case 7 where !out.isEmpty:
            let at = Int.random(in: 0..<out.count, using: &self)
            out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...8, using: &self)))
        case 8:
            out = Array(out.prefix(Int.random(in: 0...out.count, using: &self)))
        default:
            out = self.bytes(Int.random(in: 1...64, using: &self))
        }
        return out
    }

    /// Splits `bytes` into random chunks of 1...maximum bytes.
    mutating func chunks(_ bytes: [UInt8], maximum: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let n = min(Int.random(in: 1...maximum, using: &self), bytes.count - index)
            out.append(Array(bytes[index..<(index + n)]))
            index += n
        }
        return out
    }
}

private let protocolIDs = ["/noise", "/yamux/1.0.0", "/ipfs/id/1.0.0", "/tls/1.0.0", "ls", "na", "x", "/"]

/// A random sequence of multistream messages, some long, some not valid.
private func multistreamScript(_ rng: inout SplitMix64, header: Bool) -> [UInt8] {
    var out: [UInt8] = header ? MultistreamMessage.encode(MultistreamMessage.header) : []
    for _ in 0..<Int.random(in: 0...6, using: &rng) {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:
            out += MultistreamMessage.encode("/" + String(repeating: "p", count: Int.random(in: 0...1100, using: &rng)))
        case 1: out += rng.bytes(Int.random(in: 0...16, using: &rng))
        default: out += MultistreamMessage.encode(protocolIDs.randomElement(using: &rng)!)
        }
    }
    return out + rng.bytes(Int.random(in: 0...8, using: &rng))
}

@Suite("Fuzzing with seeded random input")
struct FuzzTests {
    static let chunkTarget = 50_000

    @Test("multistream listener: 50,000 mutated chunks, no crash, bounded buffer")
    func listener() throws {
        var rng = SplitMix64(seed: 0x11)
        let configuration = MultistreamConfiguration()
        var chunks = 0
        var agreed = 0
        var errors: Set<String> = []
        while chunks < Self.chunkTarget {
            var listener = try MultistreamListener(supported: ["/noise", "/yamux/1.0.0"], configuration: configuration)
            _ = listener.start()
            let script = rng.mutate(multistreamScript(&rng, header: Int.random(in: 0..<8, using: &rng) > 0))
            for chunk in rng.chunks(script, maximum: 40) {
                chunks += 1
                do {
                    let actions = try listener.receive(chunk)
                    if actions.contains(where: { if case .agreed = $0 { true } else { false } }) { agreed += 1 }
                } catch {
                    errors.insert(error.code.description)
                }
                #expect(listener.bufferedByteCount <= configuration.maximumMessageLength + 3)
                if listener.isFinished { break }
            }
        }
        #expect(agreed > 100)
        #expect(errors.isSuperset(of: ["protocol_violation", "limit_exceeded", "malformed_input"]))
    }

    @Test("multistream dialer: 50,000 mutated chunks, no crash, bounded buffer")
    func dialer() throws {
        var rng = SplitMix64(seed: 0x22)
        var chunks = 0
        var agreed = 0
        var errors: Set<String> = []
        while chunks < Self.chunkTarget {
            let lazy = Bool.random(using: &rng)
            var dialer = try MultistreamDialer(proposals: lazy ? ["/noise"] : ["/tls/1.0.0", "/noise"], lazy: lazy)
            _ = dialer.start()
            var answer = MultistreamMessage.encode(MultistreamMessage.header)
            if Bool.random(using: &rng) { answer += MultistreamMessage.encode("na") }
            answer +=
                Bool.random(using: &rng) ? MultistreamMessage.encode("/noise") : multistreamScript(&rng, header: false)
            answer += rng.bytes(Int.random(in: 0...20, using: &rng))
            for chunk in rng.chunks(rng.mutate(answer), maximum: 40) {
                chunks += 1
                do {
                    let actions = try dialer.receive(chunk)
                    if actions.contains(where: { if case .agreed = $0 { true } else { false } }) { agreed += 1 }
                } catch {
                    errors.insert(error.code.description)
                }
                #expect(dialer.bufferedByteCount <= MultistreamMessage.defaultMaximumLength + 3)
                if dialer.isFinished { break }
            }
        }
        #expect(agreed > 100)
        #expect(errors.isSuperset(of: ["protocol_violation", "negotiation_failed"]))
    }

    @Test(
        "yamux session: 50,000 random and mutated chunks with API calls, no crash, bounded state",
        arguments: [YamuxRole.client, .server]
    )
    func yamux(role: YamuxRole) throws {
        var rng = SplitMix64(seed: role == .client ? 0x33 : 0x44)
        let configuration = YamuxConfiguration(
            maximumQueuedBytesPerStream: 8192,
            maximumStreams: 24,
            maximumUnacknowledgedInboundStreams: 6,
            maximumUnacknowledgedOutboundStreams: 6,
            keepaliveInterval: .seconds(30),
            keepaliveTimeout: .seconds(10)
        )
        var session = YamuxSession(role: role, configuration: configuration)
        var now = Duration.zero
        _ = session.start(now: now)
        var chunks = 0
        var failures = 0
        var delivered = 0
        var opened = 0
        while chunks < Self.chunkTarget {
            // A burst of frames, mostly well formed, over a small set of stream IDs.
            var burst: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let type = YamuxFrameType(rawValue: UInt8.random(in: 0...3, using: &rng)) ?? .data
                let flags = YamuxFlags(
                    rawValue: UInt16.random(in: 0...15, using: &rng) & (Bool.random(using: &rng) ? 0x1 : 0xf)
                )
                let id = UInt32.random(in: 0...12, using: &rng)
                switch type {
                case .data:
                    let n = Int.random(in: 0...3000, using: &rng)
                    burst += frame(.data, flags, id, UInt32(n), payload: rng.bytes(n))
                case .windowUpdate:
                    burst += frame(.windowUpdate, flags, id, UInt32.random(in: 0...300_000, using: &rng))
                case .ping, .goAway:
                    burst += frame(type, flags, Int.random(in: 0..<10, using: &rng) == 0 ? id : 0, rng.next32())
                }
            }
            for chunk in rng.chunks(rng.mutate(burst), maximum: 700) {
                chunks += 1
                let actions = session.receive(chunk)
                delivered += actions.delivered.values.reduce(0) { $0 + $1.count }
                try apiCall(&session, &rng, &now, opened: &opened)
                check(session, configuration)
                if session.hasFailed {
                    failures += 1
                    session = YamuxSession(role: role, configuration: configuration)
                    _ = session.start(now: now)
                }
            }
        }
        #expect(failures > 100)
        #expect(delivered > 100_000)
        #expect(opened > 100)
    }

    /// One random application call on the session.
    private func apiCall(
        _ session: inout YamuxSession,
        _ rng: inout SplitMix64,
        _ now: inout Duration,
        opened: inout Int
    ) throws {
        let ids = session.streamIDs
        let id = ids.randomElement(using: &rng) ?? YamuxStreamID(UInt32.random(in: 1...12, using: &rng))
        switch Int.random(in: 0..<12, using: &rng) {
        case 0:
            if (try? session.openStream()) != nil { opened += 1 }
        case 1, 2:
            _ = try? session.send(rng.bytes(Int.random(in: 0...20_000, using: &rng)), on: id)
        case 3, 4, 5:
            let pending = session.status(of: id)?.unconsumedBytes ?? 0
            _ = session.consumed(Int.random(in: 0...max(pending, 1), using: &rng), on: id)
        case 6:
            _ = session.acceptStream(id)
        case 7:
            _ = session.closeStream(id)
        case 8:
            _ = session.resetStream(id, code: rng.next32())
        case 9:
            now += .seconds(Int.random(in: 0...20, using: &rng))
            _ = session.keepaliveTimerFired(now: now)
        case 10 where Int.random(in: 0..<50, using: &rng) == 0:
            _ = session.goAway()
        default:
            break
        }
    }

    /// The bounds that must hold after every input.
    private func check(_ session: YamuxSession, _ configuration: YamuxConfiguration) {
        #expect(session.streamCount <= configuration.maximumStreams)
        #expect(
            session.bufferedByteCount
                <= session.streamCount * configuration.maximumQueuedBytesPerStream + YamuxFrameHeader.size
        )
        #expect(session.unacknowledgedInbound >= 0)
        #expect(session.unacknowledgedInbound <= configuration.maximumUnacknowledgedInboundStreams)
        #expect(session.unacknowledgedOutbound >= 0)
        #expect(session.unacknowledgedOutbound <= configuration.maximumUnacknowledgedOutboundStreams)
        for id in session.streamIDs {
            guard let status = session.status(of: id) else { continue }
            #expect(status.unconsumedBytes + status.receiveCredit <= configuration.receiveWindow)
            #expect(status.receiveCredit >= 0)
            #expect(status.sendWindow >= 0)
            #expect(status.queuedBytes <= configuration.maximumQueuedBytesPerStream)
        }
    }
}
