import ArgumentParser

/// `shoal version`.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        var version: String
    }

    func run() async throws {
        if json {
            try JSONOutput.print(Output(version: ShoalVersion.string))
        } else {
            print("shoal \(ShoalVersion.string)")
        }
    }
}
