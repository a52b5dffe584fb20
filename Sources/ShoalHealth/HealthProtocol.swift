import Foundation
import ShoalCore

/// The health request/response protocol: one small JSON request, one JSON ``NodeHealth`` response.
///
/// Request: `{"version":1}` (at most ``maximumRequestLength`` bytes). Response: a ``NodeHealth`` object with
/// `version` 1 (at most ``maximumResponseLength`` bytes); dates are seconds since 1970. An answer with another
/// major version, or the status `unreachable`, is refused.
public enum HealthProtocol {
    /// The protocol ID (kept from the original project).
    public static let protocolID = "/ipfs-datasets/health/1.0.0"
    /// The message version.
    public static let version = 1
    /// The largest request accepted.
    public static let maximumRequestLength = 256
    /// The largest response accepted.
    public static let maximumResponseLength = 4_096

    struct Request: Codable {
        var version: Int
    }

    /// Encodes a request.
    public static func encodeRequest() -> [UInt8] {
        Array(#"{"version":1}"#.utf8)
    }

    /// Decodes and checks a request.
    /// - Throws: ``ShoalCore/ShoalError`` `malformedInput` or `unsupported`.
    public static func decodeRequest(_ bytes: [UInt8]) throws -> Int {
        guard bytes.count <= maximumRequestLength else {
            throw ShoalError(.limitExceeded, "health request of \(bytes.count) bytes")
        }
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: Data(bytes))
        } catch {
            throw ShoalError(.malformedInput, "health request is not valid JSON", cause: error)
        }
        guard request.version == version else {
            throw ShoalError(.unsupported, "health request version \(request.version)")
        }
        return request.version
    }

    /// Encodes a response.
    public static func encodeResponse(_ health: NodeHealth) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        let bytes = Array(try encoder.encode(health))
        guard bytes.count <= maximumResponseLength else {
            throw ShoalError(.limitExceeded, "health response of \(bytes.count) bytes")
        }
        return bytes
    }

    /// Decodes and checks a response.
    /// - Throws: ``ShoalCore/ShoalError`` `limitExceeded`, `malformedInput` or `unsupported`.
    public static func decodeResponse(_ bytes: [UInt8]) throws -> NodeHealth {
        guard bytes.count <= maximumResponseLength else {
            throw ShoalError(.limitExceeded, "health response of \(bytes.count) bytes")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let health: NodeHealth
        do {
            health = try decoder.decode(NodeHealth.self, from: Data(bytes))
        } catch {
            throw ShoalError(.malformedInput, "health response is not a valid report", cause: error)
        }
        guard health.version == version else {
            throw ShoalError(.unsupported, "health response version \(health.version)")
        }
        guard health.status != .unreachable else {
            throw ShoalError(.protocolViolation, "a node cannot report itself unreachable")
        }
        let figures = [
            health.usage.cpuPercent, health.usage.memoryPercent, health.usage.diskPercent,
            health.usage.networkInKBps, health.usage.networkOutKBps, health.uptimeSeconds,
        ]
        guard figures.allSatisfy({ $0.isFinite && $0 >= 0 }), health.connections >= 0, health.streams >= 0 else {
            throw ShoalError(.malformedInput, "health response has negative or non-finite figures")
        }
        return health
    }
}
