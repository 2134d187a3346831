import Foundation
import Glibc
import Synchronization
import TallyTestSupport
import Testing

@testable import TallyReader

/// A file read ahead on a thread of its own must read as the file read in place: the same
/// bytes, the same bytes given for the fingerprint, the same errors, and no thread left behind
/// however the reading ends.
@Suite(.timeLimit(.minutes(1))) struct ReadAheadTests {
    let directory = ScratchDirectories.make("read-ahead")

    func file(_ bytes: [UInt8]) throws -> String {
        let path = directory + "/input-\(bytes.count)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every byte a source gives, read `sizes` at a time in turn.
    func readAll(_ source: FileDescriptorSource, sizes: [Int]) throws -> [UInt8] {
        var out: [UInt8] = []
        var turn = 0
        while true {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sizes[turn % sizes.count], alignment: 1)
            defer { buffer.deallocate() }
            turn += 1
            let n = try source.read(into: buffer)
            if n == 0 { return out }
            out += buffer[..<n]
        }
    }
}

/// What a source's callbacks were given, from whichever thread gave it.
private final class Given: Sendable {
    let bytes = Mutex<[UInt8]>([])
    let reads = Mutex<[Int]>([])
    /// The threads that gave bytes.
    let threads = Mutex<Set<UInt>>([])
}

extension ReadAheadTests {
    @Test(arguments: [0, 1, 4095, 4096, 4097, 100_003])
    func readingAheadGivesTheFilesBytesAndTheSameCallbacks(size: Int) throws {
        var generator = SplitMix(seed: UInt64(size))
        let content = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let path = try file(content)
        let given = Given()
        let source = try FileDescriptorSource(path: path)
        source.onRead = { n in given.reads.withLock { $0.append(n) } }
        source.onBytes = { bytes in given.bytes.withLock { $0 += bytes } }
        // Bytes read before the thread starts (a sniffed head) come first, and only once.
        let head = try source.readUpTo(3)
        source.pushBack(head)
        // Small buffers, so that the ring goes round many times, and reads of every size
        // across their boundaries.
        #expect(source.startReadingAhead(bufferSize: 4096, ringSize: 2))
        #expect(try readAll(source, sizes: [1, 7, 5000, 4096, 3]) == content)
        // Read whole (the reader saw 0), so the thread has given everything.
        #expect(given.bytes.withLock { $0 } == content)
        #expect(given.reads.withLock { $0.reduce(0, +) } == size)
        #expect(given.reads.withLock { $0.last } == 0)
    }

    /// However far the reader got, stopping ends the thread: it lets go of the ring, which is
    /// then freed (a thread left waiting for a buffer would hold it for ever).
    @Test func stoppingPartWayEndsTheThread() throws {
        let path = try file([UInt8](repeating: 7, count: 1 << 20))
        for consumed in [0, 1, 4096, 70_000] {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            try #require(fd >= 0)
            defer { close(fd) }
            weak var ring: ReadAhead?
            do {
                let ahead = try #require(ReadAhead(fd: fd, bufferSize: 4096, ringSize: 2, onRead: nil, onBytes: nil))
                ring = ahead
                var read = 0
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(consumed, 1), alignment: 1)
                defer { buffer.deallocate() }
                while read < consumed {
                    read += try ahead.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[read..<consumed]))
                }
                #expect(buffer[..<consumed].allSatisfy { $0 == 7 })
                ahead.stop()
            }
            // The thread drops its reference as it returns, just after `stop()` has seen it end.
            for _ in 0..<2_500 where ring != nil { usleep(2_000) }
            #expect(ring == nil, "the thread still holds the ring after reading \(consumed) bytes")
        }
    }

    /// A source dropped part way, its ring full or not, ends its thread (as above) before it
    /// closes its descriptor: the ring is let go of, and the file reads whole again after.
    @Test func aSourceDroppedPartWayEndsItsThread() throws {
        let content = [UInt8](repeating: 9, count: 1 << 20)
        let path = try file(content)
        for consumed in [0, 1, 70_000] {
            weak var ring: ReadAhead?
            do {
                let source = try FileDescriptorSource(path: path)
                #expect(source.startReadingAhead(bufferSize: 4096, ringSize: 2))
                ring = source.readAhead
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(consumed, 1), alignment: 1)
                defer { buffer.deallocate() }
                var read = 0
                while read < consumed {
                    read += try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[read..<consumed]))
                }
            }
            for _ in 0..<2_500 where ring != nil { usleep(2_000) }
            #expect(ring == nil, "the thread still holds the ring after reading \(consumed) bytes")
        }
        #expect(try readAll(try FileDescriptorSource(path: path), sizes: [1 << 16]) == content)
    }

    /// `/proc/self/mem` is a regular file whose first page cannot be read (EIO): a real
    /// failed read, thrown where the bytes would have been, and again at the next read.
    @Test func aFailedReadIsThrownAsWhenReadInPlace() throws {
        let inPlace = try FileDescriptorSource(path: "/proc/self/mem")
        let ahead = try FileDescriptorSource(path: "/proc/self/mem")
        #expect(ahead.startReadingAhead(bufferSize: 4096, ringSize: 2))
        let expected = InputError.io(String(cString: strerror(EIO)))
        #expect(throws: expected) { try readAll(inPlace, sizes: [4096]) }
        #expect(throws: expected) { try readAll(ahead, sizes: [4096]) }
        #expect(throws: expected) { try readAll(ahead, sizes: [4096]) }
    }

    @Test func aPipeIsReadInPlace() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[1]) }
        let source = FileDescriptorSource(fd: ends[0], closesOnDeinit: true)
        #expect(!source.startReadingAhead())
        #expect(!InputOpener.readsAhead(.file("/dev/fd/\(ends[0])")))
        #expect(!InputOpener.readsAhead(.standardInput))
        #expect(write(ends[1], "ab", 2) == 2)
        #expect(try source.readUpTo(2) == Array("ab".utf8))
    }

    /// A thread that cannot be started (a 4 PiB stack) leaves the file unread, for the caller
    /// to read in place.
    @Test func withoutAThreadNothingIsRead() throws {
        let content = Array("one line\n".utf8)
        let fd = open(try file(content), O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        #expect(ReadAhead(fd: fd, stackSize: 1 << 52, onRead: nil, onBytes: nil) == nil)
        #expect(try readAll(FileDescriptorSource(fd: fd, closesOnDeinit: true), sizes: [4096]) == content)
    }

    /// What the run asks for when another thread parses: a gzip file decoded from bytes read
    /// ahead, its stored bytes all given for the fingerprint.
    @Test(arguments: inflaters)
    func aGzipInputOpenedToReadAheadDecodesAsOneReadInPlace(inflater: Inflater) throws {
        let text = (0..<20_000).map { "line \($0)\n" }.joined()
        let path = try file(try gzipped(text))
        let stored = Given()
        #expect(InputOpener.readsAhead(.file(path)))
        let opened = try InputOpener.open(
            .file(path), inflater: inflater,
            storedBytes: { bytes in
                stored.bytes.withLock { $0 += bytes }
                stored.threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            }, readAhead: true)
        #expect(opened.compression == .gzip)
        #expect(try drain(opened.source) == Array(text.utf8))
        #expect(stored.bytes.withLock { $0 } == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        // The head, sniffed on this thread; the rest, read ahead on another.
        #expect(stored.threads.withLock { $0.count } == 2)
    }
}
