import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("identify: reading the peer's messages")
struct IdentifyReadTests {
    /// A length-prefixed protobuf string field.
    static func field(_ number: UInt8, _ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return [number << 3 | 2] + UVarint.encode(UInt64(bytes.count)) + bytes
    }

    static func message(_ body: [UInt8]) -> [UInt8] { UVarint.encode(UInt64(body.count)) + body }

    /// Runs `identify` against a server whose identify handler writes `bytes` and closes.
    static func identify(answering bytes: [UInt8]) async throws -> IdentifyInfo {
        var configuration = try HostTests.configuration()
        configuration.identifyOnConnect = false
        return try await withHost(configuration) { server in
            server.register("/ipfs/id/1.0.0") { stream in try await stream.write(bytes) }
            var clientConfiguration = try HostTests.configuration(listening: false)
            clientConfiguration.identifyOnConnect = false
            return try await withHost(clientConfiguration) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                return try await client.identify(peer)
            }
        }
    }

    @Test("two messages in one write are split and merged (repeated fields add up)")
    func twoMessages() async throws {
        let first = Self.message(Self.field(6, "agent/1") + Self.field(3, "/a/1.0.0"))
        let second = Self.message(Self.field(3, "/b/1.0.0") + Self.field(5, "ipfs/0.1.0"))
        let info = try await Self.identify(answering: first + second)
        #expect(info.agentVersion == "agent/1")
        #expect(info.protocolVersion == "ipfs/0.1.0")
        #expect(info.protocols == ["/a/1.0.0", "/b/1.0.0"])
    }

    @Test("a message cut short by the end of the stream fails with closed")
    func truncated() async throws {
        let cut = Array(Self.message(Self.field(6, "agent/1")).dropLast(3))
        await #expect {
            _ = try await Self.identify(answering: cut)
        } throws: { ($0 as? ShoalError)?.code == .closed }
    }

    @Test("a message over 8 KiB and an eleventh message are refused with limitExceeded")
    func limits() async throws {
        let big = UVarint.encode(9000) + [UInt8](repeating: 0, count: 16)
        await #expect {
            _ = try await Self.identify(answering: big)
        } throws: { ($0 as? ShoalError)?.code == .limitExceeded }
        let eleven = (0..<11).flatMap { Self.message(Self.field(3, "/p/\($0)")) }
        await #expect {
            _ = try await Self.identify(answering: eleven)
        } throws: { ($0 as? ShoalError)?.code == .limitExceeded }
    }
}
