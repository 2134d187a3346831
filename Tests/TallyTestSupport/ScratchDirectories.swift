import Foundation

/// Folders for tests to write in, all under one folder for this test process, which is removed
/// when the process exits: a test run leaves nothing behind in the temporary directory.
public enum ScratchDirectories {
    private static let root: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tally-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: path)  // a crashed run's, with the same pid
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchDirectories.rootPath) }
        return path
    }()

    /// The root's path, for the exit handler (which cannot capture).
    fileprivate static var rootPath: String { root }

    /// A new, empty folder whose name starts with `label`.
    public static func make(_ label: String) -> String {
        let path = root + "/\(label)-\(UUID())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
