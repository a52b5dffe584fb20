import ShoalCore

/// Rules that involve more than one key, checked after every key passed its own range check.
extension NodeConfiguration {
    /// The longest capability string.
    public static let maximumCapabilityLength = 64

    /// A rule broken by a combination of keys: the key to change and why.
    struct ConsistencyIssue {
        var section: String
        var name: String
        var reason: String
        var key: String { "\(section).\(name)" }
    }

    /// The first cross-key rule this configuration breaks, or nil.
    ///
    /// - `dht.mode = "server"` with `distributed.role = "client"`: a client never serves the DHT.
    /// - `distributed.listen_addresses` empty for any role but `client` (only a client may just dial).
    /// - `distributed.capabilities`: each entry 1...64 characters, no whitespace or commas, no duplicates.
    func consistencyIssue() -> ConsistencyIssue? {
        if distributed.role == .client, dht.mode == "server" {
            return ConsistencyIssue(
                section: "dht",
                name: "mode",
                reason: "'server' is not allowed with distributed.role = \"client\" (a client never serves the DHT)"
            )
        }
        if distributed.listenAddresses.isEmpty, distributed.role != .client {
            return ConsistencyIssue(
                section: "distributed",
                name: "listen_addresses",
                reason: "a \(distributed.role.rawValue) needs at least one listen address"
            )
        }
        var seen: Set<String> = []
        for (index, capability) in distributed.capabilities.enumerated() {
            let bad =
                capability.isEmpty || capability.count > Self.maximumCapabilityLength
                || capability.contains { $0.isWhitespace || $0 == "," }
            if bad {
                return ConsistencyIssue(
                    section: "distributed",
                    name: "capabilities",
                    reason: "entry \(index) '\(capability)' must be 1...\(Self.maximumCapabilityLength) characters "
                        + "without whitespace or commas"
                )
            }
            if !seen.insert(capability).inserted {
                return ConsistencyIssue(
                    section: "distributed",
                    name: "capabilities",
                    reason: "entry \(index) '\(capability)' is listed twice"
                )
            }
        }
        return nil
    }

    /// Checks the rules that involve more than one key (``init(toml:file:)`` runs it; ``Node`` runs it on
    /// configurations built in code).
    /// - Throws: ``ShoalCore/ShoalError`` `invalidArgument` whose cause is a ``ConfigurationIssue`` naming the key.
    public func validate(file: String = "<code>") throws {
        guard let issue = consistencyIssue() else { return }
        let described = ConfigurationIssue(file: file, line: nil, key: issue.key, reason: issue.reason)
        throw ShoalError(.invalidArgument, described.description, cause: described)
    }
}
