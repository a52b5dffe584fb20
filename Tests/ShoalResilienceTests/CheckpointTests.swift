import Foundation
import ShoalCore
import ShoalResilience
import Testing

@Suite("Checkpoints")
struct CheckpointTests {
    struct Crash: Error {}

    func temporaryStore() -> CheckpointStore {
        let directory = NSTemporaryDirectory() + "shoal-checkpoint-\(UUID().uuidString)"
        return CheckpointStore(directory: directory)
    }

    @Test("resume after a simulated crash skips the completed steps")
    func resume() async throws {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        var processed: [Int] = []
        await #expect(throws: Crash.self) {
            _ = try await executeWithCheckpoints(operationID: "squares", items: Array(1...10), store: store) {
                (index, item: Int) -> Int in
                if index == 6 { throw Crash() }
                processed.append(item)
                return item * item
            }
        }
        #expect(processed == [1, 2, 3, 4, 5, 6])
        let saved = try #require(try store.load("squares", as: Checkpoint<Int, Int>.self))
        #expect(saved.completedCount == 6)
        processed = []
        let results = try await resumeFromCheckpoint(operationID: "squares", store: store) {
            (_, item: Int) -> Int in
            processed.append(item)
            return item * item
        }
        #expect(processed == [7, 8, 9, 10])
        #expect(results == (1...10).map { $0 * $0 })
        let done = try #require(try store.load("squares", as: Checkpoint<Int, Int>.self))
        #expect(done.isComplete)
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(names == ["squares.checkpoint"])
    }

    @Test("an existing checkpoint is not silently overwritten; a missing one cannot be resumed")
    func existingAndMissing() async throws {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        _ = try await executeWithCheckpoints(operationID: "op", items: ["a"], store: store) { _, item in item }
        await #expect(throws: ShoalError(.invalidArgument, "")) {
            _ = try await executeWithCheckpoints(operationID: "op", items: ["a"], store: store) { _, item in item }
        }
        await #expect(throws: ShoalError(.invalidArgument, "")) {
            _ = try await resumeFromCheckpoint(operationID: "other", store: store) { (_, item: String) in item }
        }
        #expect(throws: ShoalError(.invalidArgument, "")) { try store.path(for: "../escape") }
        #expect(throws: ShoalError(.invalidArgument, "")) { try store.path(for: "") }
    }

    @Test("corrupted, truncated, bit-flipped and wrong-version files are typed errors")
    func corrupted() async throws {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        _ = try await executeWithCheckpoints(operationID: "c", items: [1, 2, 3], store: store) { _, item in item }
        let path = try store.path(for: "c")
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        func expectBad(_ bytes: Data, _ code: ShoalError.Code) throws {
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(throws: ShoalError(code, "")) { _ = try store.load("c", as: Checkpoint<Int, Int>.self) }
        }
        for cut in stride(from: 0, to: good.count, by: 7) {
            try expectBad(good.prefix(cut), .malformedInput)
        }
        try expectBad(Data("not json at all".utf8), .malformedInput)
        // Flip a byte inside the base64 payload: the CRC catches it (or the JSON/base64 no longer parses).
        var flipped = good
        let text = String(decoding: good, as: UTF8.self)
        let payloadStart = try #require(text.range(of: "\"payload\":\"")).upperBound
        let offset = text.utf8.distance(from: text.startIndex, to: payloadStart) + 4
        flipped[offset] = flipped[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try expectBad(flipped, .malformedInput)
        let otherVersion = Data(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":9").utf8)
        try expectBad(otherVersion, .unsupported)
        // Wrong types for the payload.
        try good.write(to: URL(fileURLWithPath: path))
        #expect(throws: ShoalError(.malformedInput, "")) {
            _ = try store.load("c", as: Checkpoint<String, String>.self)
        }
    }
}
