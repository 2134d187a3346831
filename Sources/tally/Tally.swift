import ArgumentParser

@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Roll ad-server event logs up into daily CSV files.",
        discussion: "Exit statuses follow sysexits(3): 0 ok, 64 usage, 65 bad input data, 66 input missing, "
            + "73 cannot create output, 74 I/O error.",
        subcommands: [Rollup.self]
    )
}
