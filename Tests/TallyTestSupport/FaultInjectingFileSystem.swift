import Synchronization
import TallyWriter

/// A file system that fails a chosen call, to show that nothing is left half done.
///
/// Tests of any stage above the writer can make the disk fill up or an fsync fail at a precise
/// moment through the writer's `FileSystem` seam.
public final class FaultInjectingFileSystem: FileSystem {
    public enum Call: String, CaseIterable, Sendable {
        case createFile, write, sync, close, rename, syncDirectory
    }

    public let failing: Call
    /// How many calls of that kind succeed before they start failing (0: the first fails).
    public let after: Int
    private let calls = Mutex<[Call: Int]>([:])
    private let real = PosixFileSystem()

    public init(failing: Call, after: Int = 0) {
        self.failing = failing
        self.after = after
    }

    private func check(_ call: Call, _ path: String) throws(WriteError) {
        guard call == failing else { return }
        let earlier = calls.withLock { counts in
            defer { counts[call, default: 0] += 1 }
            return counts[call, default: 0]
        }
        if earlier >= after {
            throw .io(path: path, reason: "No space left on device (injected \(call.rawValue) failure)")
        }
    }

    public func createDirectory(_ path: String) throws(WriteError) { try real.createDirectory(path) }

    public func createFile(_ path: String) throws(WriteError) -> Int32 {
        try check(.createFile, path)
        return try real.createFile(path)
    }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError) {
        try check(.write, path)
        try real.write(fd, bytes, path: path)
    }

    public func sync(_ fd: Int32, path: String) throws(WriteError) {
        try check(.sync, path)
        try real.sync(fd, path: path)
    }

    public func close(_ fd: Int32, path: String) throws(WriteError) {
        try check(.close, path)
        try real.close(fd, path: path)
    }

    public func rename(_ from: String, to: String) throws(WriteError) {
        try check(.rename, to)
        try real.rename(from, to: to)
    }

    public func remove(_ path: String) { real.remove(path) }

    public func nonRegularKind(_ path: String) -> String? { real.nonRegularKind(path) }

    public func syncDirectory(_ path: String) throws(WriteError) {
        try check(.syncDirectory, path)
        try real.syncDirectory(path)
    }
}
