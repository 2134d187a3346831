#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the inputs named on the command line into the list of inputs to read.
///
/// A directory stands for every regular file below it, recursively, in bytewise path order so
/// that runs are repeatable; names starting with `.` are skipped, as are symbolic links to
/// directories (they can loop). The same file reached twice (named twice, or inside a named
/// directory too) is read once: reading it twice would double its counts.
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
    }

    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// Directories never descended into, such as the output directory, by identity.
    private var excluded: Set<FileIdentity> = []

    public init(excludingDirectories: [String] = []) {
        for path in excludingDirectories {
            if let info = Self.status(path, followLinks: true) {
                excluded.insert(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
            }
        }
    }

    public func expand(_ names: [String]) -> Expansion {
        var result = Expansion()
        var seen: Set<FileIdentity> = []
        for name in names {
            if name == "-" {
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
                walk(directory: name, into: &result, seen: &seen)
            } else {
                add(name, info, into: &result, seen: &seen)
            }
        }
        return result
    }

    private func add(_ path: String, _ info: stat, into result: inout Expansion, seen: inout Set<FileIdentity>) {
        let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if seen.insert(identity).inserted {
            result.inputs.append(.file(path))
        } else {
            result.duplicates.append(path)
        }
    }

    private func walk(directory: String, into result: inout Expansion, seen: inout Set<FileIdentity>) {
        if let info = Self.status(directory, followLinks: true),
            excluded.contains(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        {
            return
        }
        guard let handle = opendir(directory) else {
            let reason = String(cString: strerror(errno))
            result.problems.append(Problem(location: .file(directory), error: .unreadable(reason)))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)
        // Bytewise order, not locale order: the same tree is always read in the same order.
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names {
            let path = prefix + name
            guard let linkInfo = Self.status(path, followLinks: false) else { continue }
            let isLink = (linkInfo.st_mode & S_IFMT) == S_IFLNK
            guard let info = isLink ? Self.status(path, followLinks: true) : linkInfo else {
                // A dangling link inside a directory is not an input anyone named: skip it.
                continue
            }
            if Self.isDirectory(info) {
                if !isLink { walk(directory: path, into: &result, seen: &seen) }
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                add(path, info, into: &result, seen: &seen)
            }
        }
    }

    private static func status(_ path: String, followLinks: Bool) -> stat? {
        var info = stat()
        let code = followLinks ? stat(path, &info) : lstat(path, &info)
        return code == 0 ? info : nil
    }

    private static func isDirectory(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFDIR
    }
}
