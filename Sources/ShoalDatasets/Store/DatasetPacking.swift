import ShoalCore
public import ShoalMultiformats

/// Progress of ``BlockStore/pack(_:name:id:description:parameters:progress:)``.
public struct PackProgress: Sendable, Hashable {
    /// Rows accepted so far.
    public var rows: Int
    /// Bad rows skipped so far.
    public var skipped: Int
    /// Shards written so far.
    public var shards: Int
    /// Bytes of shards written so far.
    public var bytes: Int
}

/// What a pack run produced.
public struct PackResult: Sendable, Hashable {
    /// The manifest (its shards are in the store).
    public var manifest: DatasetManifest
    /// The manifest's CID (the manifest block is in the store).
    public var manifestCID: CID
    /// What the reader saw (accepted and skipped rows, error reports).
    public var report: IngestReport
}

extension BlockStore {
    /// Reads every batch from `reader`, cuts shards, stores each shard as it is completed, then stores the manifest.
    ///
    /// Memory holds one batch and at most one shard's rows, so it does not grow with the input.
    /// - Parameters:
    ///   - reader: the ingest reader.
    ///   - name: the dataset name.
    ///   - id: the dataset id (nil: the name).
    ///   - description: free text.
    ///   - parameters: shard size and compression.
    ///   - progress: called after each batch.
    /// - Returns: the manifest, its CID and the ingest report.
    /// - Throws: the reader's errors (bad rows under ``IngestErrorPolicy/stop``), writer and store errors, and
    ///   `ShoalError` `.invalidArgument` when the input has no schema (an empty file without one).
    public func pack(
        _ reader: inout some TableBatchReader,
        name: String,
        id: String? = nil,
        description: String = "",
        parameters: PackParameters,
        progress: (PackProgress) -> Void = { _ in }
    ) throws -> PackResult {
        var packer: DatasetPacker?
        var state = PackProgress(rows: 0, skipped: 0, shards: 0, bytes: 0)
        func store(_ shards: [Shard]) throws {
            for shard in shards {
                try put(shard.bytes)
                state.shards += 1
                state.bytes += shard.bytes.count
            }
        }
        while let batch = try reader.nextBatch() {
            if packer == nil { packer = try DatasetPacker(schema: batch.schema, parameters: parameters) }
            try store(try packer!.add(batch))
            state.rows = reader.report.rowsAccepted
            state.skipped = reader.report.rowsSkipped
            progress(state)
        }
        if packer == nil {
            guard let schema = reader.schema else {
                throw ShoalError(.invalidArgument, "the input has no rows and no schema")
            }
            packer = try DatasetPacker(schema: schema, parameters: parameters)
        }
        let (last, manifest) = try packer!.finish(id: id, name: name, description: description)
        if let last { try store([last]) }
        state.rows = reader.report.rowsAccepted
        state.skipped = reader.report.rowsSkipped
        progress(state)
        let cid = try put(manifest.encoded())
        return PackResult(manifest: manifest, manifestCID: cid, report: reader.report)
    }

    /// Loads the manifest `cid`, verifying its hash and form.
    /// - Throws: `ShoalError` `.invalidArgument` when the store lacks it, and the errors of ``get(_:)`` and
    ///   ``DatasetManifest/init(decoding:expectedCID:)``.
    public func manifest(_ cid: CID) throws -> DatasetManifest {
        guard let bytes = try get(cid) else {
            throw ShoalError(.invalidArgument, "block store \(root) has no block \(cid)")
        }
        return try DatasetManifest(decoding: bytes, expectedCID: cid)
    }
}
