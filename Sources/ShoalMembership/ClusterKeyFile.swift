import Foundation
import ShoalCore
public import ShoalCrypto
import ShoalMultiformats
public import ShoalSWIM

// MARK: - ClusterKeyFile

/// Cluster key files: text, one 32-byte key per line as 64 hex digits (`#` starts a comment line). The first key
/// is the primary (sealing) key with ID 0; the following ones are accepted for opening with IDs 1, 2, … (rotation:
/// add the new key as a second line everywhere, then move it first everywhere, then drop the old one).
public enum ClusterKeyFile {
    /// The largest file read.
    public static let maximumSize = 4096

    /// A new random key, as one line of a key file.
    public static func generateLine() -> String {
        let key = SecureBytes(randomCount: XChaCha20Poly1305.keyByteCount)
        return key.withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }

    /// Writes a new file with one random key, mode 0600 (refuses to replace an existing file).
    /// - Throws: ``ShoalError`` `.io` when the file exists or cannot be written.
    public static func create(at path: String) throws {
        let line = generateLine() + "\n"
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ShoalError(.io, "the cluster key file \(path) exists already")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw ShoalError(.io, "cannot create the cluster key file \(path)") }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ShoalError(.io, "cannot open the cluster key file \(path)")
        }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Array(line.utf8)) } catch {
            throw ShoalError(.io, "cannot write the cluster key file \(path)", cause: error)
        }
    }

    /// Reads a key file into a keyring.
    /// - Throws: ``ShoalError`` `.io` when unreadable or too large, `.invalidKey` for a bad line (naming it),
    ///   `.invalidArgument` when the file holds no key.
    public static func read(from path: String) throws -> SWIM.Keyring {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShoalError(.io, "cannot read the cluster key file \(path)")
        }
        guard data.count <= maximumSize else {
            throw ShoalError(.io, "cluster key file \(path) is larger than \(maximumSize) bytes")
        }
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }

    /// Parses key-file text.
    /// - Throws: as ``read(from:)``.
    public static func parse(_ text: String, name: String = "cluster key file") throws -> SWIM.Keyring {
        var ring: SWIM.Keyring?
        var id: UInt8 = 0
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let key = try? Base16.decodeIgnoringCase(line), key.count == XChaCha20Poly1305.keyByteCount else {
                throw ShoalError(.invalidKey, "\(name):\(number + 1): a key is 64 hex digits (32 bytes)")
            }
            if ring == nil {
                ring = try SWIM.Keyring(primary: SecureBytes(key), id: id)
            } else {
                try ring?.install(SecureBytes(key), id: id)
            }
            guard id < UInt8.max else { break }
            id += 1
        }
        guard let ring else { throw ShoalError(.invalidArgument, "\(name) holds no key") }
        return ring
    }
}
