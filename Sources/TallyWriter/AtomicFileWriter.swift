import Glibc
import Synchronization
import TallyThreads

/// Replaces a set of files in one directory so that each is either wholly old or wholly new.
///
/// Two phases. First every new file is written to a temporary file beside its target and
/// synced to disk; if any of that fails (disk full, an fsync error), every temporary file is
/// removed and no target has changed. Then each temporary file is renamed over its target, which
/// POSIX makes atomic, and the directory is synced so the renames survive a crash. A target that
/// is not a regular file or a link (a directory, a device, a pipe) is refused before anything is
/// written; a rename that still fails part way (the file system going read-only, say) leaves
/// each file whole, some new and the rest old.
///
/// Temporary names start with `.`, so a later run that reads this directory as input skips
/// them, and hold the process id and a random part, so a file left by a killed run never blocks
/// a later run that happens to get the same process id.
public struct AtomicFileWriter: Sendable {
    public let fileSystem: any FileSystem

    public init(fileSystem: any FileSystem = PosixFileSystem()) {
        self.fileSystem = fileSystem
    }

    /// A file path as the directory to write in and the name within it (`.` for a bare name).
    public static func split(_ path: String) -> (directory: String, name: String) {
        // By bytes: a name starting with a combining mark would make `/` and the mark one
        // Character, and the slash would not be found.
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let directory = slash == bytes.startIndex ? "/" : String(path.utf8[..<slash])!
        return (directory, String(path.utf8[bytes.index(after: slash)...])!)
    }

    /// Receives a file's bytes, in order, as they are made.
    public typealias Sink = (UnsafeRawBufferPointer) throws(WriteError) -> Void

    /// Writes `files` (name within `directory`, bytes) into `directory`, creating it if needed.
    public func replace(_ files: [(name: String, bytes: [UInt8])], in directory: String) throws(WriteError) {
        try replace(files.map { file in (file.name, { file.bytes }) }, in: directory)
    }

    /// Writes `files` into `directory`, making each file's bytes only when it is written, so
    /// that one file's bytes are in memory at a time.
    public func replace(
        _ files: [(name: String, render: () -> [UInt8])], in directory: String, replaced: (String) -> Void = { _ in }
    ) throws(WriteError) {
        try replace(
            files.map { file in
                (
                    file.name,
                    { (sink: Sink) throws(WriteError) in
                        let written = file.render().withUnsafeBytes { raw in
                            Result { () throws(WriteError) in try sink(raw) }
                        }
                        try written.get()
                    }
                )
            }, in: directory, replaced: replaced)
    }

    /// Writes `files` into `directory`, each streamed by its `write` closure into a sink, so
    /// that a file of any size passes through a fixed buffer.
    /// - Parameters:
    ///   - concurrency: how many files are written at once, on as many threads; each `write`
    ///     must then be safe to call beside the others. Only the writing: the renames are made in
    ///     order, after every file is written.
    ///   - replaced: receives the name of each file as its rename succeeds, so that a caller
    ///     knows which files are new even when a later rename fails.
    public func replace(
        _ files: [(name: String, write: (Sink) throws(WriteError) -> Void)], in directory: String,
        concurrency: Int = 1, replaced: (String) -> Void = { _ in }
    ) throws(WriteError) {
        try fileSystem.createDirectory(directory)
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for file in files {
            if let kind = fileSystem.nonRegularKind(prefix + file.name) {
                throw .cannotCreate(path: prefix + file.name, reason: "\(kind), not a regular file")
            }
        }
        let unique = "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let staged = files.indices.map { index in
            (
                temporary: "\(prefix).\(files[index].name).tally-\(unique)-\(index).tmp",
                target: prefix + files[index].name
            )
        }
        // Which temporary files exist, and the first failure by file order: after one, files not
        // yet started are not.
        let created = Mutex([Bool](repeating: false, count: files.count))
        let failures = Mutex([Int: WriteError]())
        let next = Atomic<Int>(0)
        let writers = max(1, min(concurrency, files.count))
        WorkerThreads.run(writers) {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < files.count, failures.withLock({ $0.isEmpty }) else { return }
                do throws(WriteError) {
                    try stage(files[index].write, at: staged[index].temporary) { created.withLock { $0[index] = true } }
                } catch {
                    failures.withLock { $0[index] = error }
                }
            }
        }
        if let failure = failures.withLock({ $0.min { $0.key < $1.key }?.value }) {
            for (index, file) in staged.enumerated() where created.withLock({ $0[index] }) {
                fileSystem.remove(file.temporary)
                TemporaryFiles.shared.gone(file.temporary)
            }
            throw failure
        }
        for (position, file) in staged.enumerated() {
            do {
                try fileSystem.rename(file.temporary, to: file.target)
                TemporaryFiles.shared.gone(file.temporary)
                replaced(files[position].name)
            } catch {
                // Files renamed already are complete and new; the rest keep their old content.
                for rest in staged[position...] {
                    fileSystem.remove(rest.temporary)
                    TemporaryFiles.shared.gone(rest.temporary)
                }
                throw error
            }
        }
        try fileSystem.syncDirectory(directory)
    }

    /// Creates `temporary`, streams `write` into it and syncs it to disk; `onCreate` is called
    /// once it exists.
    private func stage(
        _ write: (Sink) throws(WriteError) -> Void, at temporary: String, onCreate: () -> Void
    ) throws(WriteError) {
        let fd = try TemporaryFiles.shared.create(temporary, with: fileSystem.createFile)
        onCreate()
        do throws(WriteError) {
            let fileSystem = self.fileSystem
            try write { (bytes) throws(WriteError) in try fileSystem.write(fd, bytes, path: temporary) }
            try fileSystem.sync(fd, path: temporary)
        } catch {
            try? fileSystem.close(fd, path: temporary)
            throw error
        }
        try fileSystem.close(fd, path: temporary)
    }
}
