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
    /// rejects file, a partial): found in an input directory, they are skipped, not read as logs. Anything
    /// else at an output's path is someone's file, which the run refuses to replace if it is
    /// also an input.
    var writtenByTally: [String] {
        files.filter { file in
            switch file.option {
            case "--summary-json": RunReport.isSummaryFile(file.path)
            case "--rejects": RejectsFile.isRejectsFile(file.path)
            case "--metrics": RunReport.isMetricsFile(file.path)
            case "--partial": FileHead.read(file.path, upTo: PartialRollup.magic.count) == PartialRollup.magic
            case "--combined": Self.isRollupCSV(file.path)
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
        // Where a day file would be: the output folder, and any name.
        let days = Place(directory: outputDirectory, name: "")
        for file in files where file.path != "-" {
            let place = Place(file.path)
            if let other = seen[place] {
                throw .collision("\(other) and \(file.option) name the same file: \(file.path)")
            }
            seen[place] = file.option
            if place.isBeside(days), Self.isDayFileName(place.name) {
                throw .collision("\(file.option) \(file.path) would be replaced by a day file of --out")
            }
        }
    }

    /// Where a file is: its directory (by identity where it exists) and its name in it.
    private struct Place: Hashable {
        /// The nearest folder on the way that exists, by identity (nil if none does, which only
        /// a relative path on a vanished working folder could give)...
        let anchor: FileIdentity?
        /// ...and the folders below it that do not exist yet, by name (`.` dropped), then the
        /// file's name: so `out/x` and `$PWD/out/x` are one place before `out` exists.
        let rest: [String]

        init(_ path: String) {
            let (directory, name) = AtomicFileWriter.split(path)
            self.init(directory: directory, name: name)
        }

        init(directory: String, name: String) {
            var missing: [String] = [name]
            var current = directory
            var anchor = FileIdentity(path: current)
            while anchor == nil {
                let (parent, last) = AtomicFileWriter.split(current)
                if last != "." && !last.isEmpty { missing.insert(last, at: 0) }
                if parent == current { break }
                current = parent
                anchor = FileIdentity(path: current)
            }
            self.anchor = anchor
            rest = missing
        }

        /// Whether this is in the same folder as `other`.
        func isBeside(_ other: Place) -> Bool {
            anchor == other.anchor && rest.dropLast() == other.rest.dropLast()
        }

        var name: String { rest.last ?? "" }
    }

    /// Whether the file at `path` starts as a day file does (a byte order mark or not, then
    /// `date,`): a combined file tally wrote.
    static func isRollupCSV(_ path: String) -> Bool {
        guard var head = FileHead.read(path, upTo: 8) else { return false }
        if head.starts(with: CSVStyle.byteOrderMarkBytes) { head.removeFirst(CSVStyle.byteOrderMarkBytes.count) }
        return head.starts(with: Array("date,".utf8))
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
