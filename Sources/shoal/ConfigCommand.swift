import ArgumentParser
import Shoal
import ShoalCore

/// `shoal config …`: check and print node configuration files.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check or print a node configuration file (TOML).",
        subcommands: [Check.self, Example.self]
    )

    /// `shoal config check FILE|-`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file; prints ok, or one line naming file:line: key: reason (exit 2)."
        )

        @Argument(help: "The TOML file, or - for standard input.")
        var file: String

        @Flag(name: .long, help: "Print every key's value (defaults filled in) as JSON.")
        var json = false

        func run() async throws {
            let configuration: NodeConfiguration
            do {
                configuration = try NodeConfiguration(contentsOf: file)
            } catch let error as ShoalError {
                throw CLIError(message: error.message)
            }
            if json {
                try JSONOutput.print(configuration.tableValues)
            } else {
                print("ok")
            }
        }
    }

    /// `shoal config example`.
    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a commented configuration with every key at its default."
        )

        func run() async throws {
            print(NodeConfiguration.example, terminator: "")
        }
    }
}
