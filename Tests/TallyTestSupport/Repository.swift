import Foundation

/// Where tests find the repository's files and the binary they run.
public enum Repository {
    /// The repository's top folder, found from this file's place.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures = root.appendingPathComponent("fixtures")

    /// The `tally` binary of the build this test process belongs to, which sits beside the test
    /// bundle whatever the build folder (`--scratch-path`) is. `make test` builds it first.
    public static let tallyBinary: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("tally")
}
