import Foundation
import ShoalCore

/// The saved progress of a long-running operation over an ordered list of items.
///
/// `results[i]` is the result of `items[i]` once that step has completed, nil before.
public struct Checkpoint<Item: Codable & Sendable, Result: Codable & Sendable>: Codable, Sendable {
    /// The operation's identifier (also the file name).
    public var operationID: String
    /// Every item, in processing order.
    public var items: [Item]
    /// The result of each completed step, nil for pending ones.
    public var results: [Result?]

    /// The number of completed steps.
    public var completedCount: Int { results.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    /// Whether every step has completed.
    public var isComplete: Bool { completedCount == items.count }
}

// MARK: - File format

/// The on-disk envelope of a checkpoint: a format tag, a version, the payload (JSON, base64) and its CRC-32.
struct CheckpointEnvelope: Codable {
    static let formatTag = "shoal-checkpoint"
    static let currentVersion = 1
    /// The largest checkpoint file read back (64 MiB).
    static let maximumFileSize = 64 << 20

    var format: String
    var version: Int
    var crc32: UInt32
    var payload: Data

    init(payload: Data) {
        self.format = Self.formatTag
        self.version = Self.currentVersion
        self.crc32 = CRC32.checksum(payload)
        self.payload = payload
    }

    /// Decodes and checks an envelope read from `path`.
    static func open(_ bytes: Data, path: String) throws -> Data {
        let envelope: CheckpointEnvelope
        do {
            envelope = try JSONDecoder().decode(CheckpointEnvelope.self, from: bytes)
        } catch {
            throw ShoalError(.malformedInput, "checkpoint \(path) is corrupted or truncated", cause: error)
        }
        guard envelope.format == formatTag else {
            throw ShoalError(.malformedInput, "checkpoint \(path): not a checkpoint file (format '\(envelope.format)')")
        }
        guard envelope.version == currentVersion else {
            throw ShoalError(.unsupported, "checkpoint \(path): version \(envelope.version) is not supported")
        }
        guard CRC32.checksum(envelope.payload) == envelope.crc32 else {
            throw ShoalError(.malformedInput, "checkpoint \(path): checksum mismatch (corrupted)")
        }
        return envelope.payload
    }
}
