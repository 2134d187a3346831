import ArgumentParser
import Glibc
import TallyPaths
import TallyPipeline

@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Roll ad-server event logs up into daily CSV files.",
        discussion: "Exit statuses follow sysexits(3): 0 ok, 64 usage, 65 bad input data, 66 input missing, "
            + "69 SQLite missing (for the state store), 71 out of descriptors or memory, 73 cannot create output, 74 I/O error, 75 another run is writing to the output folder.",
        version: Tally.version,
        subcommands: [RollupCommand.self, MapCommand.self, MergeCommand.self, InspectCommand.self]
    )

    /// `tally --version`: the release, and the inflaters this build can use.
    static var version: String {
        let inflaters = Inflater.allCases.filter(\.isBuiltIn).map { inflater in
            inflater.isAvailable ? inflater.rawValue : "\(inflater.rawValue) (built in, library not found)"
        }
        return "tally \(RollupRun.version)\ninflaters: \(inflaters.joined(separator: ", "))"
    }

    /// Parses the arguments as the system gave them: Swift's `CommandLine.arguments` replace
    /// bytes that are not UTF-8 with U+FFFD, and a path so changed names another file.
    static func main() {
        let arguments = (1..<max(1, Int(CommandLine.argc))).map { index in
            CommandLine.unsafeArgv[index].map {
                SystemPath.string(UnsafeRawBufferPointer(start: $0, count: strlen($0)))
            } ?? ""
        }
        main(arguments)
    }
}
