import ArgumentParser
import NIOCore
import NIOPosix
import ShoalCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `shoal` command line: identities, multiaddrs, nodes and the demo.
@main
struct ShoalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoal",
        abstract: "Shoal: a libp2p-compatible peer-to-peer overlay.",
        version: ShoalVersion.string,
        subcommands: [
            IDCommand.self,
            MultiaddrCommand.self,
            NodeCommand.self,
            PingCommand.self,
            IdentifyCommand.self,
            PerfCommand.self,
            EchoCommand.self,
            VersionCommand.self,
            DemoCommand.self,
            DatasetCommand.self,
            QueryCommand.self,
            CIDCommand.self,
            BenchCommand.self,
            ConfigCommand.self,
            DHTCommand.self,
            SWIMCommand.self,
            SearchCommand.self,
            GraphCommand.self,
        ]
    )

    /// Runs the command. Bad input exits with status 2 and one line on stderr saying what was wrong.
    static func main() async {
        installEventLoopExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            printError(error.message)
            Glibc.exit(error.status)
        } catch let error as ShoalError {
            printError(error.message)
            Glibc.exit(2)
        } catch {
            if exitCode(for: error) == .success {
                self.exit(withError: error)
            }
            printError(message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
            Glibc.exit(2)
        }
    }

    /// Runs Swift concurrency's global executor on NIO's singleton event loops, the ones every host's sockets use
    /// (`SHOAL_NIO_EXECUTOR=0` keeps the default thread pool). A task resumed by a socket read then runs on the
    /// thread that read it, and its writes are queued without waking another thread: a connection setup costs
    /// about a third of the context switches. The price: work that computes or blocks for long delays the sockets
    /// of its event loop, so long computations belong on their own threads (see ARCHITECTURE.md).
    static func installEventLoopExecutor() {
        if let value = getenv("SHOAL_NIO_EXECUTOR"), String(cString: value) == "0" { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    static func printError(_ message: String) {
        var stderr = StandardError()
        print("error: \(message)", to: &stderr)
    }
}

/// An error the CLI reports as one line and an exit status.
struct CLIError: Error {
    var message: String
    var status: Int32 = 2
}

/// Writes to standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// The version of this build.
enum ShoalVersion {
    static let string = "0.1.0"
}
