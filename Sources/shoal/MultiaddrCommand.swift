import ArgumentParser
import ShoalMultiformats

/// `shoal multiaddr …`: parse multiaddrs in text or binary form.
struct MultiaddrCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multiaddr",
        abstract: "Work with multiaddrs.",
        subcommands: [Parse.self]
    )

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a multiaddr and print its components and binary form (hex)."
        )

        @Argument(help: "The multiaddr, e.g. /ip4/127.0.0.1/tcp/4001 (or hex bytes with --hex).")
        var address: String

        @Flag(name: .long, help: "The argument is the binary form, in hex.")
        var hex = false

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        struct Output: Encodable {
            struct Component: Encodable {
                var `protocol`: String
                var code: UInt64
                var value: String?
                var hex: String
            }
            var text: String
            var hex: String
            var components: [Component]
        }

        func run() async throws {
            let multiaddr: Multiaddr
            do {
                if hex {
                    guard let bytes = [UInt8](hexString: address) else {
                        throw CLIError(message: "invalid multiaddr: '\(address)' is not hex")
                    }
                    multiaddr = try Multiaddr(bytes: bytes)
                } else {
                    multiaddr = try Multiaddr(address)
                }
            } catch let error as MultiformatsError {
                throw CLIError(message: "invalid multiaddr: \(error.message)")
            }
            let output = Output(
                text: multiaddr.description,
                hex: multiaddr.bytes.hexString,
                components: multiaddr.components.map {
                    .init(protocol: $0.name, code: $0.code, value: $0.valueText, hex: $0.bytes.hexString)
                }
            )
            if json {
                try JSONOutput.print(output)
                return
            }
            print(output.text)
            print(output.hex)
            for component in output.components {
                let value = component.value.map { " \($0)" } ?? ""
                print("  \(component.protocol) (\(component.code))\(value)  [\(component.hex)]")
            }
        }
    }
}
