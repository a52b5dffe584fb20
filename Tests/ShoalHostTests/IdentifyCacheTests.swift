import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("identify: the cached message and identify on connect")
struct IdentifyCacheTests {
    @Test("the cached identify message carries the observed address and follows protocol changes")
    func cachedMessage() async throws {
        try await withHost(try HostTests.configuration()) { a in
            try await withHost(try HostTests.configuration()) { b in
                try await a.connect(b.dialableAddresses[0])
                let first = try await a.identify(b.peerID)
                let second = try await a.identify(b.peerID)
                for info in [first, second] {
                    let observed = try #require(info.observedAddress)
                    #expect(observed.description.hasPrefix("/ip4/127.0.0.1/tcp/"))
                    #expect(observed.tcpPort != nil && observed.tcpPort != b.listenAddresses[0].tcpPort)
                    #expect(info.listenAddresses == b.listenAddresses)
                    #expect(info.signedPeerRecord?.peer == b.peerID)
                }
                #expect(first.observedAddress == second.observedAddress)
                #expect(first.signedPeerRecord == second.signedPeerRecord)
                #expect(!first.protocols.contains("/test/late/1.0.0"))

                b.register("/test/late/1.0.0") { stream in stream.closeWrite() }
                let third = try await a.identify(b.peerID)
                #expect(third.protocols.contains("/test/late/1.0.0"))
                #expect(third.observedAddress == first.observedAddress)
                #expect(Set(third.protocols).isSuperset(of: first.protocols))
            }
        }
    }

    @Test("with identifyOnConnect off, a connection runs no identify until asked")
    func noIdentifyOnConnect() async throws {
        var quiet = try HostTests.configuration()
        quiet.identifyOnConnect = false
        var quietListener = try HostTests.configuration()
        quietListener.identifyOnConnect = false
        try await withHost(quiet) { a in
            try await withHost(quietListener) { b in
                try await a.connect(b.dialableAddresses[0])
                // Several round trips: an identify started on connect would have been answered by now.
                _ = try await a.ping(b.peerID, count: 3)
                let info = try await a.identify(b.peerID)
                #expect(info.protocols.contains("/ipfs/id/1.0.0"))
                #expect(a.peerStore.protocols(of: b.peerID).contains("/ipfs/id/1.0.0"))
                #expect(b.peerStore.protocols(of: a.peerID).isEmpty)
            }
        }
    }
}
