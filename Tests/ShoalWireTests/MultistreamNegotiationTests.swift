import ShoalCore
import Testing

@testable import ShoalWire

/// The outcome of a negotiation run between a dialer and a listener.
private struct Outcome {
    var dialer: (protocolID: String, leftover: [UInt8])?
    var listener: (protocolID: String, leftover: [UInt8])?
    var dialerError: ShoalError?
    var listenerError: ShoalError?
    var dialerToListener: [UInt8] = []
}

/// Runs a negotiation, delivering bytes in chunks of `chunk` (nil: everything at once). `dialerData` is written by
/// the dialer right after `start()` (lazy mode) and `listenerData` by the listener right after it agrees.
private func negotiate(
    _ dialerIn: MultistreamDialer,
    _ listenerIn: MultistreamListener,
    chunk: Int? = nil,
    dialerData: [UInt8] = [],
    listenerData: [UInt8] = []
) -> Outcome {
    var dialer = dialerIn
    var listener = listenerIn
    var outcome = Outcome()
    var toListener = dialer.start() + dialerData
    var toDialer = listener.start()
    outcome.dialerToListener = toListener
    for _ in 0..<10_000 {
        if toListener.isEmpty && toDialer.isEmpty { break }
        if !toListener.isEmpty && outcome.listener == nil && outcome.listenerError == nil {
            let n = min(chunk ?? toListener.count, toListener.count)
            let piece = Array(toListener.prefix(n))
            toListener.removeFirst(n)
            do {
                for action in try listener.receive(piece) {
                    switch action {
                    case .write(let bytes): toDialer += bytes
                    case .agreed(let id, let leftover):
                        outcome.listener = (id, leftover + toListener)
                        toListener = []
                        toDialer += listenerData
                    }
                }
            } catch {
                outcome.listenerError = error
                toListener = []
            }
        } else {
            toListener = []
        }
        if !toDialer.isEmpty && outcome.dialer == nil && outcome.dialerError == nil {
            let n = min(chunk ?? toDialer.count, toDialer.count)
            let piece = Array(toDialer.prefix(n))
            toDialer.removeFirst(n)
            do {
                for action in try dialer.receive(piece) {
                    switch action {
                    case .write(let bytes):
                        toListener += bytes
                        outcome.dialerToListener += bytes
                    case .agreed(let id, let leftover):
                        outcome.dialer = (id, leftover + toDialer)
                        toDialer = []
                    }
                }
            } catch {
                outcome.dialerError = error
                toDialer = []
            }
        } else {
            toDialer = []
        }
    }
    return outcome
}

@Suite("Multistream negotiation")
struct MultistreamNegotiationTests {
    @Test("dialer pipelines the header and the first proposal in one write (go's bytes)")
    func pipelined() throws {
        var dialer = try MultistreamDialer(proposals: ["/noise"])
        #expect(dialer.start() == hex("13 2f6d756c746973747265616d2f312e302e30 0a 07 2f6e6f697365 0a"))
        var listener = try MultistreamListener(supported: ["/noise"])
        #expect(listener.start() == MultistreamMessage.encode("/multistream/1.0.0"))
        let actions = try listener.receive(hex("13 2f6d756c746973747265616d2f312e302e30 0a 07 2f6e6f697365 0a"))
        #expect(actions == [.write(MultistreamMessage.encode("/noise")), .agreed(protocolID: "/noise", leftover: [])])
        #expect(listener.isFinished)
    }

    @Test("agrees at once, all at once and byte at a time", arguments: [nil, 1, 2, 5] as [Int?])
    func agrees(chunk: Int?) throws {
        let outcome = negotiate(
            try MultistreamDialer(proposals: ["/yamux/1.0.0"]),
            try MultistreamListener(supported: ["/mplex/6.7.0", "/yamux/1.0.0"]),
            chunk: chunk
        )
        #expect(outcome.dialer?.protocolID == "/yamux/1.0.0")
        #expect(outcome.listener?.protocolID == "/yamux/1.0.0")
        #expect(outcome.dialer?.leftover == [])
        #expect(outcome.listener?.leftover == [])
    }

    @Test("proposes the next protocol after na", arguments: [nil, 1] as [Int?])
    func fallsBack(chunk: Int?) throws {
        let outcome = negotiate(
            try MultistreamDialer(proposals: ["/tls/1.0.0", "/secio/1.0.0", "/noise"]),
            try MultistreamListener(supported: ["/noise"]),
            chunk: chunk
        )
        #expect(outcome.dialer?.protocolID == "/noise")
        #expect(outcome.listener?.protocolID == "/noise")
        let expected =
            MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("/tls/1.0.0")
            + MultistreamMessage.encode("/secio/1.0.0") + MultistreamMessage.encode("/noise")
        #expect(outcome.dialerToListener == expected)
    }

    @Test("fails with negotiationFailed when every proposal is refused")
    func allRefused() throws {
        let outcome = negotiate(
            try MultistreamDialer(proposals: ["/tls/1.0.0", "/noise"]),
            try MultistreamListener(supported: ["/plaintext/2.0.0"])
        )
        #expect(outcome.dialer == nil)
        #expect(outcome.dialerError?.code == .negotiationFailed)
        #expect(outcome.listener == nil)
    }

    @Test("lazy mode: application data right after the proposal is handed over on both sides", arguments: [nil, 1])
    func lazy(chunk: Int?) throws {
        let dialerData: [UInt8] = Array("hello from the dialer".utf8)
        let listenerData: [UInt8] = Array("and the listener's reply".utf8)
        let outcome = negotiate(
            try MultistreamDialer(proposals: ["/ipfs/id/1.0.0"], lazy: true),
            try MultistreamListener(supported: ["/ipfs/id/1.0.0"]),
            chunk: chunk,
            dialerData: dialerData,
            listenerData: listenerData
        )
        #expect(outcome.listener?.protocolID == "/ipfs/id/1.0.0")
        #expect(outcome.listener?.leftover == dialerData)
        #expect(outcome.dialer?.protocolID == "/ipfs/id/1.0.0")
        #expect(outcome.dialer?.leftover == listenerData)
    }

    @Test("lazy mode fails with negotiationFailed on na")
    func lazyRefused() throws {
        var dialer = try MultistreamDialer(proposals: ["/x/1"], lazy: true)
        _ = dialer.start()
        let answer = MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("na")
        #expect(throws: ShoalError(.negotiationFailed, "")) { try dialer.receive(answer) }
        #expect(dialer.isFinished)
        #expect(throws: ShoalError(.closed, "")) { try dialer.receive([0x01]) }
    }

    @Test("over-read bytes past the echo are handed back, even arriving in the same read")
    func leftover() throws {
        var dialer = try MultistreamDialer(proposals: ["/noise"])
        _ = dialer.start()
        let noiseMessage: [UInt8] = [0x00, 0x20] + [UInt8](repeating: 7, count: 32)
        let input =
            MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("/noise") + noiseMessage
        let actions = try dialer.receive(input)
        #expect(actions == [.agreed(protocolID: "/noise", leftover: noiseMessage)])

        var listener = try MultistreamListener(supported: ["/noise"])
        _ = listener.start()
        let fromDialer =
            MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("/noise") + noiseMessage
        var collected: [MultistreamAction] = []
        for byte in fromDialer.prefix(27) { collected += try listener.receive([byte]) }
        #expect(collected.isEmpty)
        collected += try listener.receive(Array(fromDialer.dropFirst(27)))
        #expect(collected.count == 2)
        #expect(collected.last == .agreed(protocolID: "/noise", leftover: noiseMessage))
    }

    @Test("the listener answers ls with na and keeps negotiating")
    func list() throws {
        var listener = try MultistreamListener(supported: ["/noise"])
        _ = listener.start()
        let input =
            MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("ls")
            + MultistreamMessage.encode("/noise")
        let actions = try listener.receive(input)
        let expected = MultistreamMessage.encode("na") + MultistreamMessage.encode("/noise")
        #expect(actions == [.write(expected), .agreed(protocolID: "/noise", leftover: [])])
    }

    @Test("the listener's matcher accepts protocols beyond the exact set")
    func matcher() throws {
        let outcome = negotiate(
            try MultistreamDialer(proposals: ["/other/1", "/shoal/dataset/2.1.0"]),
            try MultistreamListener(supported: ["/noise"], matcher: .prefix("/shoal/dataset/"))
        )
        #expect(outcome.listener?.protocolID == "/shoal/dataset/2.1.0")
        #expect(outcome.dialer?.protocolID == "/shoal/dataset/2.1.0")
    }

    @Test("the listener answers the header at once, before any proposal (py-libp2p is not pipelined)")
    func headerFirst() throws {
        var listener = try MultistreamListener(supported: ["/noise"])
        let header = listener.start()
        #expect(header == MultistreamMessage.encode("/multistream/1.0.0"))
        #expect(try listener.receive(MultistreamMessage.encode("/multistream/1.0.0")) == [])
        #expect(!listener.isFinished)
    }

    // MARK: - Bad input

    @Test("a wrong header fails both sides with protocolViolation")
    func wrongHeader() throws {
        var listener = try MultistreamListener(supported: ["/noise"])
        _ = listener.start()
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try listener.receive(MultistreamMessage.encode("/multistream/2.0.0"))
        }
        var dialer = try MultistreamDialer(proposals: ["/noise"])
        _ = dialer.start()
        #expect(throws: ShoalError(.protocolViolation, "")) { try dialer.receive(MultistreamMessage.encode("/noise")) }
    }

    @Test("an unexpected answer fails the dialer")
    func unexpectedAnswer() throws {
        var dialer = try MultistreamDialer(proposals: ["/noise"])
        _ = dialer.start()
        let input = MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("/tls/1.0.0")
        #expect(throws: ShoalError(.protocolViolation, "")) { try dialer.receive(input) }
    }

    @Test("an overlong line fails with limitExceeded, even fed byte by byte")
    func overlongLine() throws {
        var listener = try MultistreamListener(supported: ["/noise"])
        _ = listener.start()
        _ = try listener.receive(MultistreamMessage.encode("/multistream/1.0.0"))
        let long = MultistreamMessage.encode("/" + String(repeating: "a", count: 2000))
        var thrown: ShoalError?
        for byte in long {
            do { _ = try listener.receive([byte]) } catch {
                thrown = error
                break
            }
        }
        #expect(thrown?.code == .limitExceeded)
        #expect(listener.isFinished)
    }

    @Test("too many proposals fail with limitExceeded")
    func tooManyProposals() throws {
        var listener = try MultistreamListener(
            supported: ["/noise"],
            configuration: MultistreamConfiguration(maximumProposals: 4)
        )
        _ = listener.start()
        var input = MultistreamMessage.encode("/multistream/1.0.0")
        for i in 0..<4 { input += MultistreamMessage.encode("/p/\(i)") }
        let answers = try listener.receive(input)
        #expect(answers == [.write(Array(repeating: MultistreamMessage.encode("na"), count: 4).flatMap { $0 })])
        #expect(throws: ShoalError(.limitExceeded, "")) { try listener.receive(MultistreamMessage.encode("/p/5")) }
    }

    @Test("a proposal without a leading slash fails with protocolViolation")
    func missingSlash() throws {
        var listener = try MultistreamListener(supported: ["/noise"])
        _ = listener.start()
        let input = MultistreamMessage.encode("/multistream/1.0.0") + MultistreamMessage.encode("noise")
        #expect(throws: ShoalError(.protocolViolation, "")) { try listener.receive(input) }
    }

    @Test("bad arguments are rejected with invalidArgument")
    func badArguments() {
        #expect(throws: ShoalError(.invalidArgument, "")) { try MultistreamDialer(proposals: []) }
        #expect(throws: ShoalError(.invalidArgument, "")) { try MultistreamDialer(proposals: ["noise"]) }
        #expect(throws: ShoalError(.invalidArgument, "")) {
            try MultistreamDialer(proposals: ["/a", "/b"], lazy: true)
        }
        #expect(throws: ShoalError(.invalidArgument, "")) { try MultistreamListener(supported: ["yamux"]) }
        #expect(throws: ShoalError(.invalidArgument, "")) {
            try MultistreamDialer(proposals: ["/" + String(repeating: "a", count: 1100)])
        }
    }
}
