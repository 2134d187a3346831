import Glibc
import TallyPaths

extension TemporaryFiles {
    /// Removes the temporary files that earlier tally runs left in `directory` when they were
    /// killed outright (SIGKILL, power loss), and returns their names.
    ///
    /// Every temporary name holds its run's process id (`.NAME.tally-PID-RANDOM-N.tmp` beside a
    /// day or summary file, `.part` beside a rejects file). A file is removed only when that
    /// process is gone (`kill(pid, 0)` says no such process) and the file has not changed for
    /// longer than any run keeps one: an hour for a `.tmp`, which lives while the outputs are
    /// written, a day for a `.part`, which lives while the inputs are read. The age matters where
    /// the pid says too little: a run in another container or on another host that shares the
    /// folder has process ids this one cannot see. Nothing else is ever touched.
    /// - Parameter now: the time to measure ages from, in seconds since 1970 (for tests).
    public static func removeStale(in directory: String, now: Int = time(nil)) -> [String] {
        guard let stream = SystemPath.withCString(directory, { opendir($0) }) else { return [] }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                SystemPath.string(raw.prefix(while: { $0 != 0 }))
            }
            if let pid = staleOwner(of: name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH,
                isOld(prefix + name, now: now)
            {
                names.append(name)
            }
        }
        closedir(stream)
        return names.sorted().filter { name in SystemPath.withCString(prefix + name) { unlink($0) } == 0 }
    }

    /// Whether the temporary file at `path` has not changed for longer than a run keeps one.
    private static func isOld(_ path: String, now: Int) -> Bool {
        var info = stat()
        guard SystemPath.withCString(path, { lstat($0, &info) }) == 0 else { return false }
        let age = now - Int(info.st_mtim.tv_sec)
        return age > (path.hasSuffix(".part") ? 24 * 3600 : 3600)
    }

    /// The process id in a tally temporary name: `.` NAME `.tally-` PID `-` HEX `-` N, then
    /// `.tmp` or `.part`; nil for any other name.
    static func staleOwner(of name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") || name.hasSuffix(".part"),
            let marker = name.ranges(of: ".tally-").last
        else { return nil }
        let stem = name[marker.upperBound...].prefix(while: { $0 != "." })
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = pid_t(parts[0]), pid > 0,
            !parts[1].isEmpty, parts[1].allSatisfy(\.isHexDigit),
            !parts[2].isEmpty, parts[2].allSatisfy(\.isASCII), Int(parts[2]) != nil
        else { return nil }
        let suffix = name[marker.upperBound...].dropFirst(stem.count)
        return suffix == ".tmp" || suffix == ".part" ? pid : nil
    }
}
