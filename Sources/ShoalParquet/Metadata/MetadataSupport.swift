import ShoalCore

/// Unwraps a required Thrift field or throws `.malformedInput` naming it.
func require<T>(_ value: T?, _ name: String) throws -> T {
    guard let value else { throw ShoalError(.malformedInput, "Parquet metadata: required field \(name) is missing") }
    return value
}
