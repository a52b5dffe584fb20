import Foundation
import ShoalCore

/// A directory of checkpoint files, one per operation, written atomically and checked on read.
public struct CheckpointStore: Sendable {
    /// The directory holding the files (created on first save).
    public let directory: String
    /// The longest accepted operation identifier.
    public static let maximumOperationIDLength = 128

    /// Creates a store over `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// The file that holds `operationID`'s checkpoint.
    /// - Throws: ``ShoalError/Code/invalidArgument`` for an empty or too long identifier, or one with characters
    ///   other than letters, digits, `.`, `_` and `-` (or starting with `.`).
    public func path(for operationID: String) throws -> String {
        let allowed = operationID.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !operationID.isEmpty, operationID.count <= Self.maximumOperationIDLength, allowed,
            !operationID.hasPrefix(".")
        else {
            throw ShoalError(
                .invalidArgument,
                "operation id '\(operationID)' must be 1-\(Self.maximumOperationIDLength) of [A-Za-z0-9._-]"
            )
        }
        return (directory as NSString).appendingPathComponent(operationID + ".checkpoint")
    }

    /// Saves `checkpoint` atomically (temporary file, fsync, rename, fsync of the directory).
    public func save<Item, Result>(_ checkpoint: Checkpoint<Item, Result>) throws {
        let path = try path(for: checkpoint.operationID)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let payload = try JSONEncoder().encode(checkpoint)
        let envelope = try JSONEncoder().encode(CheckpointEnvelope(payload: payload))
        try AtomicFile.write(envelope, to: path)
    }

    /// Loads `operationID`'s checkpoint.
    /// - Returns: nil when there is none.
    /// - Throws: ``ShoalError/Code/malformedInput`` for a corrupted or truncated file (bad JSON, bad checksum,
    ///   wrong operation id), ``ShoalError/Code/unsupported`` for an unknown version.
    public func load<Item, Result>(
        _ operationID: String,
        as type: Checkpoint<Item, Result>.Type = Checkpoint<Item, Result>.self
    ) throws -> Checkpoint<Item, Result>? {
        let path = try path(for: operationID)
        guard let bytes = try AtomicFile.read(path, maximumSize: CheckpointEnvelope.maximumFileSize) else {
            return nil
        }
        let payload = try CheckpointEnvelope.open(bytes, path: path)
        let checkpoint: Checkpoint<Item, Result>
        do {
            checkpoint = try JSONDecoder().decode(Checkpoint<Item, Result>.self, from: payload)
        } catch {
            throw ShoalError(.malformedInput, "checkpoint \(path) does not hold the expected types", cause: error)
        }
        guard checkpoint.operationID == operationID, checkpoint.results.count == checkpoint.items.count else {
            throw ShoalError(.malformedInput, "checkpoint \(path) is inconsistent (operation id or step count)")
        }
        return checkpoint
    }

    /// Deletes `operationID`'s checkpoint if there is one.
    public func remove(_ operationID: String) throws {
        let path = try path(for: operationID)
        if FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }
}
