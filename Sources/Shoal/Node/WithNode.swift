/// Runs a node for the duration of `body`: starts it, waits until it listens, runs `body`, then shuts it down
/// and waits for it to stop (also when `body` throws).
/// - Parameters:
///   - configuration: the node's configuration.
///   - options: settings without a configuration key.
///   - body: what to do with the running node.
/// - Returns: what `body` returns.
/// - Throws: the configuration error, the bind error, or what `body` throws.
public func withNode<T: Sendable>(
    _ configuration: NodeConfiguration,
    options: NodeOptions = NodeOptions(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Node) async throws -> T
) async throws -> T {
    let node = try Node(configuration, options: options)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await node.run() }
        do {
            try await node.waitUntilListening()
            let result = try await body(node)
            node.shutdown()
            try await group.waitForAll()
            return result
        } catch {
            node.shutdown()
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}
