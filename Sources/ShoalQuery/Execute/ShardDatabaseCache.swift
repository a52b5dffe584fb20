import Foundation
import GRDB
import ShoalCore
public import ShoalDatasets
public import ShoalMultiformats

/// SQLite copies of shards on disk, one file per shard CID (`<directory>/<cid>.sqlite`).
///
/// A shard's bytes never change for a CID, so a file once written is valid forever. Imports write to a temporary
/// file in the same directory and rename it into place, so a reader sees either no file or a complete one.
public struct ShardDatabaseCache: Sendable {
    /// The cache directory.
    public let directory: String

    /// Opens (creating if needed) a cache in `directory`.
    /// - Throws: `ShoalError` `.io` when the directory cannot be created.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ShoalError(.io, "cannot create the query cache directory \(directory)", cause: error)
        }
        self.directory = directory
    }

    /// The database file of the shard `cid`.
    public func path(for cid: CID) -> String { directory + "/" + cid.string() + ".sqlite" }

    /// Whether the shard `cid` is already imported.
    public func contains(_ cid: CID) -> Bool { FileManager.default.fileExists(atPath: path(for: cid)) }

    /// The database file of shard `cid`, importing the table `load` returns when it is not cached yet.
    /// - Throws: `load`'s errors, ``ShardImporter/importTable(_:into:)``'s, `ShoalError` `.io` when the file
    ///   cannot be renamed into place.
    @discardableResult
    public func database(for cid: CID, load: () throws -> DatasetTable) throws -> String {
        let final = path(for: cid)
        if FileManager.default.fileExists(atPath: final) { return final }
        let table = try load()
        let temporary = directory + "/.\(cid.string()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.execute(sql: "PRAGMA synchronous = OFF")
                try ShardImporter.importTable(table, into: db)
            }
            try queue.close()
        } catch let error as ShoalError {
            throw error
        } catch {
            throw ShoalError(.io, "cannot import shard \(cid) into \(temporary)", cause: error)
        }
        guard rename(temporary, final) == 0 else {
            throw ShoalError(.io, "cannot rename \(temporary) to \(final)")
        }
        return final
    }
}
