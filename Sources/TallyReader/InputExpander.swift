import Glibc
import TallyPaths

/// Turns the inputs named on the command line into the list of inputs to read.
///
/// A directory stands for every regular file below it, recursively, in bytewise path order so
/// that runs are repeatable; names starting with `.` are skipped, as are symbolic links to
/// directories (they can loop) and dangling links. The same file reached twice (named twice,
/// inside a named directory too, or also given as standard input) is read once: reading it twice
/// would double its counts. An entry that cannot be examined is a problem, never silently
/// skipped. Names are bytes (`SystemPath`): one that is not UTF-8 is read like any other.
public struct InputExpander {
    /// A named input that cannot be read at all, with the reason.
    public struct Problem: Sendable {
        public let location: InputLocation
        public let error: InputError
    }

    public struct Expansion: Sendable {
        public var inputs: [InputLocation] = []
        public var problems: [Problem] = []
        /// Paths left out because they name a file already listed.
        public var duplicates: [String] = []
        /// Inputs that are one of the run's output files: named, or (unless tally wrote them)
        /// found in a directory.
        public var outputsAmongInputs: [String] = []
        /// The size in bytes of each input that is a file, as listed (for scheduling: largest first).
        public var sizes: [InputLocation: Int64] = [:]
    }

    /// Directories never descended into, such as the output directory, by identity.
    private var excluded: Set<FileIdentity> = []
    /// The run's output files that an earlier run wrote: skipped where a directory holds them.
    private var skipped: Set<FileIdentity> = []
    /// All the run's output files that exist: reported where they would be read.
    private var outputs: Set<FileIdentity> = []

    /// - Parameters:
    ///   - excludingDirectories: never descended into (the output directory).
    ///   - outputFiles: the run's output files (a summary, a rejects file) that exist now.
    ///   - ownOutputs: those of them that tally wrote, which a directory walk skips; any other
    ///     output met as input is in `outputsAmongInputs`, for the run to refuse.
    ///   - settings: files that tell the run what to do (its `--config`), which a directory
    ///     walk skips: a config kept beside the logs is not a log.
    public init(
        excludingDirectories: [String] = [], outputFiles: [String] = [], ownOutputs: [String] = [],
        settings: [String] = []
    ) {
        excluded = Set(excludingDirectories.compactMap { FileIdentity(path: $0) })
        outputs = Set(outputFiles.compactMap { FileIdentity(path: $0) })
        skipped = Set((ownOutputs + settings).compactMap { FileIdentity(path: $0) })
    }

    public func expand(_ names: [String]) -> Expansion {
        var result = Expansion()
        var seen: Set<FileIdentity> = []
        for name in names {
            if name == "-" {
                // Standard input may be a file named on the command line too (`tally - a.log < a.log`).
                var info = stat()
                if fstat(STDIN_FILENO, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                    let identity = FileIdentity(info)
                    // Standard input redirected from one of the outputs (`< app.log`).
                    if outputs.contains(identity) {
                        result.outputsAmongInputs.append("-")
                        continue
                    }
                    guard seen.insert(identity).inserted else {
                        result.duplicates.append("-")
                        continue
                    }
                }
                result.inputs.append(.standardInput)
                continue
            }
            guard let info = Self.status(name, followLinks: true) else {
                let code = errno
                let error: InputError =
                    code == ENOENT || code == ENOTDIR
                    ? .notFound : .unreadable(String(cString: strerror(code)))
                result.problems.append(Problem(location: .file(name), error: error))
                continue
            }
            if Self.isDirectory(info) {
                let before = (result.inputs.count, result.problems.count, result.duplicates.count)
                walk(directory: name, into: &result, seen: &seen)
                if (result.inputs.count, result.problems.count, result.duplicates.count) == before {
                    result.problems.append(Problem(location: .file(name), error: .noFiles))
                }
            } else if outputs.contains(FileIdentity(info)) {
                result.outputsAmongInputs.append(name)
            } else {
                add(name, info, into: &result, seen: &seen)
            }
        }
        return result
    }

    private func add(_ path: String, _ info: stat, into result: inout Expansion, seen: inout Set<FileIdentity>) {
        let identity = FileIdentity(info)
        if seen.insert(identity).inserted {
            result.inputs.append(.file(path))
            result.sizes[.file(path)] = Int64(info.st_size)
        } else {
            result.duplicates.append(path)
        }
    }

    private func walk(directory: String, into result: inout Expansion, seen: inout Set<FileIdentity>) {
        if let identity = FileIdentity(path: directory), excluded.contains(identity) {
            return
        }
        guard let handle = SystemPath.withCString(directory, { opendir($0) }) else {
            let code = errno
            let reason = String(cString: strerror(code))
            // Limits of this process or system, not a fault of the directory's.
            let error: InputError =
                code == EMFILE || code == ENFILE || code == ENOMEM ? .outOfResources(reason) : .unreadable(reason)
            result.problems.append(Problem(location: .file(directory), error: error))
            return
        }
        var entries: [(name: String, sortKey: [UInt8], isDirectory: Bool, info: stat)] = []
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var problems: [Problem] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if bytes.first == UInt8(ascii: ".") { continue }
            let name = SystemPath.string(bytes)
            let path = prefix + name
            guard let linkInfo = Self.status(path, followLinks: false) else {
                problems.append(Problem(location: .file(path), error: .unreadable(String(cString: strerror(errno)))))
                continue
            }
            let isLink = (linkInfo.st_mode & S_IFMT) == S_IFLNK
            guard let info = isLink ? Self.status(path, followLinks: true) : linkInfo else {
                // A dangling link inside a directory is not an input anyone named.
                continue
            }
            let isDirectory = Self.isDirectory(info)
            if isDirectory && isLink { continue }
            // A directory sorts as its name and a slash: bytewise order of the full paths.
            entries.append((name, bytes + (isDirectory ? [UInt8(ascii: "/")] : []), isDirectory, info))
        }
        closedir(handle)
        result.problems += problems
        entries.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        for entry in entries {
            let path = prefix + entry.name
            if entry.isDirectory {
                walk(directory: path, into: &result, seen: &seen)
            } else if (entry.info.st_mode & S_IFMT) == S_IFREG {
                let identity = FileIdentity(entry.info)
                if skipped.contains(identity) { continue }
                if outputs.contains(identity) {
                    result.outputsAmongInputs.append(path)
                    continue
                }
                add(path, entry.info, into: &result, seen: &seen)
            }
        }
    }

    private static func status(_ path: String, followLinks: Bool) -> stat? {
        var info = stat()
        let code = SystemPath.withCString(path) { followLinks ? stat($0, &info) : lstat($0, &info) }
        return code == 0 ? info : nil
    }

    private static func isDirectory(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFDIR
    }
}
