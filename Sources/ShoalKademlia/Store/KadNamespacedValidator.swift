import ShoalCore

/// Dispatches validation by key namespace: a key `/<namespace>/<rest>` goes to the validator registered for
/// `<namespace>`.
///
/// `/pk/` is built in (``KadPublicKeyValidator``). Register others with ``register(_:for:)``. A key with no
/// namespace or an unregistered one is rejected (go's `ErrInvalidRecordType`) unless
/// ``acceptsUnknownNamespaces`` is set, in which case such records are accepted as they are and the first value
/// is selected (rust's behaviour without filtering).
public struct KadNamespacedValidator: KadRecordValidator {
    /// The longest namespace accepted.
    public static let maximumNamespaceLength = 64

    private var validators: [String: any KadRecordValidator]
    /// Accept records of namespaces that have no validator (default false, as go).
    public var acceptsUnknownNamespaces: Bool

    /// A validator with `/pk/` registered.
    /// - Parameter acceptsUnknownNamespaces: accept records of unregistered namespaces (default false).
    public init(acceptsUnknownNamespaces: Bool = false) {
        self.validators = ["pk": KadPublicKeyValidator()]
        self.acceptsUnknownNamespaces = acceptsUnknownNamespaces
    }

    /// The registered namespaces.
    public var namespaces: [String] { validators.keys.sorted() }

    /// Registers (or replaces) the validator of a namespace.
    /// - Parameters:
    ///   - validator: the validator.
    ///   - namespace: the namespace without slashes, e.g. `ipns`.
    public mutating func register(_ validator: any KadRecordValidator, for namespace: String) {
        precondition(!namespace.isEmpty && !namespace.contains("/"), "a namespace has no slash and is not empty")
        validators[namespace] = validator
    }

    /// The namespace of a key: the bytes between the leading `/` and the next `/`, or nil if the key has none.
    public static func namespace(of key: [UInt8]) -> String? {
        guard key.first == UInt8(ascii: "/") else { return nil }
        let rest = key.dropFirst()
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash > rest.startIndex,
            slash - rest.startIndex <= maximumNamespaceLength
        else { return nil }
        return String(validating: rest[rest.startIndex..<slash], as: UTF8.self)
    }

    /// Validates with the namespace's validator.
    /// - Throws: ``ShoalError`` with code `unsupported` for an unknown namespace (unless accepted), or the
    ///   namespace validator's error.
    public func validate(_ record: KadRecord) throws {
        guard let validator = try validator(for: record.key) else { return }
        try validator.validate(record)
    }

    /// Selects with the namespace's validator (0 for an accepted unknown namespace).
    /// - Throws: as ``validate(_:)``, or when `values` is empty.
    public func select(key: [UInt8], values: [[UInt8]]) throws -> Int {
        guard !values.isEmpty else { throw ShoalError(.invalidArgument, "no value to select from") }
        guard let validator = try validator(for: key) else { return 0 }
        let index = try validator.select(key: key, values: values)
        guard values.indices.contains(index) else {
            throw ShoalError(.internalError, "validator selected index \(index) of \(values.count) values")
        }
        return index
    }

    private func validator(for key: [UInt8]) throws -> (any KadRecordValidator)? {
        if let namespace = Self.namespace(of: key), let validator = validators[namespace] { return validator }
        if acceptsUnknownNamespaces { return nil }
        throw ShoalError(.unsupported, "no validator for the namespace of this record key")
    }
}
