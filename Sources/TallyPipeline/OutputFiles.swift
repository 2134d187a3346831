import Glibc
import TallyBytes
import TallyReader
import TallyWriter

/// The files a run writes besides its day files (`--summary-json`, `--rejects`), checked before
/// any input is read, so that a run never replaces what it must not: a device node (as root, a
/// rename would swap `/dev/null` for a regular file), one of its own inputs, a day file, or the
/// other output. `-` is standard output and is never a file.
struct OutputFiles {
    /// One output: the option that names it, and its path.
    struct Named {
        let option: String
        let path: String
    }

    enum Problem: Error, Equatable {
        /// Two outputs, or an output and a day file, are the same file: a usage error (64).
        case collision(String)
        /// The path names something that is not a regular file: it cannot be created (73).
        case notRegular(WriteError)
    }

    let outputDirectory: String
    let files: [Named]

    /// The outputs that are files (not standard output).
    var paths: [String] { files.filter { $0.path != "-" }.map(\.path) }

    /// The outputs that exist and hold what an earlier tally run wrote there (a summary, a
    /// rejects file): found in an input directory, they are skipped, not read as logs. Anything
    /// else at an output's path is someone's file, which the run refuses to replace if it is
    /// also an input.
    var writtenByTally: [String] {
        files.filter { file in
            switch file.option {
            case "--summary-json": RunReport.isSummaryFile(file.path)
            case "--rejects": RejectsFile.isRejectsFile(file.path)
            case "--metrics": RunReport.isMetricsFile(file.path)
            default: false
            }
        }.map(\.path)
    }

    /// Refuses outputs that are not regular files (a symbolic link is fine: the rename replaces
    /// the link), or that name the same file as another output or as a day file under `--out`.
    func check() throws(Problem) {
        for file in files where file.path != "-" {
            if let kind = PosixFileSystem().nonRegularKind(file.path) {
                throw .notRegular(.cannotCreate(path: file.path, reason: "\(kind), not a regular file"))
            }
        }
        let standardOutput = files.filter { $0.path == "-" }
        if standardOutput.count > 1 {
            throw .collision(
                "\(standardOutput.map(\.option).joined(separator: " and ")) cannot both be standard output")
        }
        var seen: [Place: String] = [:]
        let days = Place(directory: outputDirectory, name: "")
        for file in files where file.path != "-" {
            let place = Place(file.path)
            if let other = seen[place] {
                throw .collision("\(other) and \(file.option) name the same file: \(file.path)")
            }
            seen[place] = file.option
            if place.directory == days.directory, Self.isDayFileName(place.name) {
                throw .collision("\(file.option) \(file.path) would be replaced by a day file of --out")
            }
        }
    }

    /// Where a file is: its directory (by identity where it exists) and its name in it.
    private struct Place: Hashable {
        enum Directory: Hashable {
            case existing(FileIdentity)
            case path(String)
        }
        let directory: Directory
        let name: String

        init(_ path: String) {
            let (directory, name) = AtomicFileWriter.split(path)
            self.init(directory: directory, name: name)
        }

        init(directory: String, name: String) {
            if let identity = FileIdentity(path: directory) {
                self.directory = .existing(identity)
            } else {
                // Not there yet: compared by spelling, with `.` and empty components dropped.
                let components = directory.split(separator: "/").filter { $0 != "." }
                self.directory = .path((directory.hasPrefix("/") ? "/" : "") + components.joined(separator: "/"))
            }
            self.name = name
        }
    }

    /// `YYYY-MM-DD.csv`, the names of day files.
    static func isDayFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 14, name.hasSuffix(".csv") else { return false }
        return bytes.indices.prefix(10).allSatisfy { index in
            index == 4 || index == 7
                ? bytes[index] == UInt8(ascii: "-") : (ASCII.zero...ASCII.zero + 9).contains(bytes[index])
        }
    }
}
