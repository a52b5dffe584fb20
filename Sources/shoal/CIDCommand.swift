import ArgumentParser
import ShoalCore
import ShoalCrypto
import ShoalDatasets
import ShoalMultiformats

/// `shoal cid FILE`: the raw CIDv1 (sha2-256) of a file's bytes, computed while streaming the file.
struct CIDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cid",
        abstract: "Print the raw CIDv1 (codec raw, sha2-256, base32) of a file's bytes."
    )

    @Argument(help: "The file.")
    var file: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        var file: String
        var cid: String
        var bytes: Int
    }

    func run() async throws {
        let source = try FileByteSource(path: file)
        var hasher = SHA256.Hasher()
        var total = 0
        while true {
            let chunk = try source.read(maximumCount: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(chunk)
            total += chunk.count
        }
        let cid = ContentID.digestCID(hasher.finalize())
        if json {
            try JSONOutput.print(Output(file: file, cid: cid.string(), bytes: total))
        } else {
            print(cid.string())
        }
    }
}
