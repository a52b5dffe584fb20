import ArgumentParser
import ShoalCore

/// `shoal id …`: make, show and parse peer identities.
struct IDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Create, show and parse peer identities.",
        subcommands: [New.self, Show.self, Parse.self]
    )

    /// What every `id` subcommand prints about a peer.
    struct Description: Encodable {
        var peerID: String
        var cid: String
        var keyType: String?
        var publicKey: String?
        var keyFile: String?

        init(_ id: PeerID, publicKey: PublicKey?, keyFile: String? = nil) {
            peerID = id.base58
            cid = id.cidString
            keyType = publicKey.map { "\($0.type)" }
            self.publicKey = publicKey.map { $0.data.hexString }
            self.keyFile = keyFile
        }

        func printText() {
            print("peer id:    \(peerID)")
            print("cid:        \(cid)")
            print("key type:   \(keyType ?? "unknown (hashed key: the ID does not contain it)")")
            if let publicKey { print("public key: \(publicKey)") }
            if let keyFile { print("key file:   \(keyFile)") }
        }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new Ed25519 identity and print its peer ID."
        )

        @Option(name: .long, help: "Write the private key here (mode 0600). Without it the key is discarded.")
        var out: String?

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            let key = PrivateKey()
            if let out { try KeyFile.write(key, to: out) }
            let description = Description(key.peerID, publicKey: key.publicKey, keyFile: out)
            if json { try JSONOutput.print(description) } else { print(key.peerID.base58) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the identity in a key file.")

        @Option(name: .long, help: "The key file (a libp2p PrivateKey protobuf).")
        var key: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            let privateKey = try KeyFile.read(from: key)
            let description = Description(privateKey.peerID, publicKey: privateKey.publicKey, keyFile: key)
            if json { try JSONOutput.print(description) } else { description.printText() }
        }
    }

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a peer ID (base58 or CID form) and print its key type, public key and both text forms."
        )

        @Argument(help: "The peer ID.")
        var peerID: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            let id: PeerID
            do { id = try PeerID(parsing: peerID) } catch let error as ShoalError {
                throw CLIError(message: "invalid peer id: \(error.message)")
            }
            let description = Description(id, publicKey: id.inlinedPublicKey)
            if json { try JSONOutput.print(description) } else { description.printText() }
        }
    }
}
