import ShoalCore

/// Runs `process` over `items` in order, saving a checkpoint after every completed step.
///
/// If the process dies, ``resumeFromCheckpoint(operationID:store:isolation:process:)`` picks up where it stopped.
/// The checkpoint is kept after success (call ``CheckpointStore/remove(_:)`` when done with it).
///
/// - Parameters:
///   - operationID: names the operation and its checkpoint file.
///   - items: the steps' inputs, in order.
///   - store: where checkpoints are written.
///   - process: the work of one step; its result is saved.
/// - Returns: the results, in item order.
/// - Throws: ``ShoalError/Code/invalidArgument`` if a checkpoint for `operationID` already exists (resume it or
///   remove it), the first error of `process` (progress so far is saved), or an I/O error.
public func executeWithCheckpoints<Item: Codable & Sendable, Result: Codable & Sendable>(
    operationID: String,
    items: [Item],
    store: CheckpointStore,
    isolation: isolated (any Actor)? = #isolation,
    process: (_ index: Int, _ item: Item) async throws -> Result
) async throws -> [Result] {
    if try store.load(operationID, as: Checkpoint<Item, Result>.self) != nil {
        throw ShoalError(.invalidArgument, "a checkpoint for '\(operationID)' exists: resume it or remove it")
    }
    let checkpoint = Checkpoint<Item, Result>(
        operationID: operationID,
        items: items,
        results: Array(repeating: nil, count: items.count)
    )
    try store.save(checkpoint)
    return try await runSteps(checkpoint, store: store, process: process)
}

/// Resumes an operation from its checkpoint, skipping the steps that completed.
///
/// - Parameters:
///   - operationID: the operation to resume.
///   - store: where its checkpoint lives.
///   - process: the work of one step (called only for pending steps).
/// - Returns: the results of every step, in item order.
/// - Throws: ``ShoalError/Code/invalidArgument`` when there is no checkpoint, ``ShoalError/Code/malformedInput``
///   when it is corrupted or truncated, or the first error of `process`.
public func resumeFromCheckpoint<Item: Codable & Sendable, Result: Codable & Sendable>(
    operationID: String,
    store: CheckpointStore,
    isolation: isolated (any Actor)? = #isolation,
    process: (_ index: Int, _ item: Item) async throws -> Result
) async throws -> [Result] {
    guard let checkpoint = try store.load(operationID, as: Checkpoint<Item, Result>.self) else {
        throw ShoalError(.invalidArgument, "no checkpoint for '\(operationID)' in \(store.directory)")
    }
    return try await runSteps(checkpoint, store: store, process: process)
}

private func runSteps<Item: Codable & Sendable, Result: Codable & Sendable>(
    _ start: Checkpoint<Item, Result>,
    store: CheckpointStore,
    isolation: isolated (any Actor)? = #isolation,
    process: (_ index: Int, _ item: Item) async throws -> Result
) async throws -> [Result] {
    var checkpoint = start
    for index in checkpoint.items.indices where checkpoint.results[index] == nil {
        try Task.checkCancellation()
        checkpoint.results[index] = try await process(index, checkpoint.items[index])
        try store.save(checkpoint)
    }
    return checkpoint.results.map { $0! }
}
