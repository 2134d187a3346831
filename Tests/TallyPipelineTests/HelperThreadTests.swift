import Dispatch
import Synchronization
import TallyThreads
import Testing

@testable import TallyPipeline
@testable import TallyReader

/// A thread that cannot be started is reported, so that a pipelined input is read on the
/// worker's own thread instead of waiting for ever for a thread that never ran. The failure is
/// a real one: a stack larger than the address space, which `pthread_create` cannot map.
@Suite struct HelperThreadTests {
    /// 4 PiB: beyond a Linux process's address space on x86-64 and AArch64 (128 or 256 TiB with
    /// 4-level page tables; `pthread_attr_setstacksize` checks only the minimum).
    static let impossibleStack = 1 << 52

    @Test func aStartedThreadRunsItsBody() {
        let ran = DispatchSemaphore(value: 0)
        #expect(HelperThread.start(stackSize: 1 << 18) { ran.signal() })
        ran.wait()
    }

    @Test func aThreadThatCannotStartIsReportedAndItsBodyDropped() {
        let runs = Atomic<Int>(0)
        weak var held: Probe?
        do {
            let probe = Probe()
            held = probe
            let started = HelperThread.start(stackSize: Self.impossibleStack) { [probe] in
                withExtendedLifetime(probe) { _ = runs.add(1, ordering: .relaxed) }
            }
            #expect(!started)
        }
        #expect(runs.load(ordering: .relaxed) == 0)
        #expect(held == nil, "the body, and what it holds, released")
    }

    @Test func aPumpWithoutAThreadLeavesItsSourceUnread() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let source = BytesSource(bytes)
        #expect(ChunkPump(source: source, bufferSize: 4096, stackSize: Self.impossibleStack) == nil)
        let pump = try #require(ChunkPump(source: source, bufferSize: 4096))
        var read: [UInt8] = []
        try pump.forEachChunk { read += $0 }
        #expect(read == bytes)
    }

    @Test(.timeLimit(.minutes(1))) func aHasherWithoutAThreadIsNotMade() {
        // Dropping it must not wait for a thread that never started (the test would hang).
        #expect(BackgroundHasher(bufferSize: 64, ringSize: 2, stackSize: Self.impossibleStack) == nil)
    }
}

/// Something a thread's body holds, to see that the body was released.
private final class Probe: Sendable {}

private final class BytesSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, 1000, bytes.count - position)
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        position += n
        return n
    }
}

/// The workers of a run and the day files' writers: every item of the shared queue is taken
/// once, by as many threads as could be started.
@Suite struct WorkerThreadsTests {
    /// Takes items 0..<count from a shared index on `threads` threads and counts who took each.
    static func takeAll(_ count: Int, threads: Int, stackSize: Int = WorkerThreads.defaultStackSize) -> [Int] {
        let next = Atomic<Int>(0)
        let taken = Mutex([Int](repeating: 0, count: count))
        WorkerThreads.run(threads, stackSize: stackSize) {
            while true {
                let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard item < count else { return }
                taken.withLock { $0[item] += 1 }
            }
        }
        return taken.withLock { $0 }
    }

    @Test(arguments: [1, 2, 5]) func everyItemIsTakenOnce(threads: Int) {
        #expect(Self.takeAll(10_000, threads: threads) == [Int](repeating: 1, count: 10_000))
    }

    @Test func withoutThreadsTheCallerTakesEveryItem() {
        #expect(
            Self.takeAll(10_000, threads: 4, stackSize: HelperThreadTests.impossibleStack)
                == [Int](repeating: 1, count: 10_000))
    }

    /// The threads run at once: each waits until all have arrived (or gives up after 10 s).
    @Test func theThreadsRunAtOnce() {
        let threads = min(3, WorkerThreads.usableCores)
        let arrived = Atomic<Int>(0)
        let allMet = Atomic<Int>(0)
        WorkerThreads.run(threads) {
            arrived.add(1, ordering: .relaxed)
            let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
            while arrived.load(ordering: .relaxed) < threads, DispatchTime.now().uptimeNanoseconds < deadline {}
            if arrived.load(ordering: .relaxed) == threads { allMet.add(1, ordering: .relaxed) }
        }
        #expect(allMet.load(ordering: .relaxed) == threads)
    }

    /// No more threads than cores (more would only share them, each with its buffers), and none
    /// for a count below 1.
    @Test func neverMoreThreadsThanCores() {
        for count in [-1, 0, 1, WorkerThreads.usableCores + 3] {
            let runs = Atomic<Int>(0)
            WorkerThreads.run(count) { runs.add(1, ordering: .relaxed) }
            #expect(runs.load(ordering: .relaxed) == max(0, min(count, WorkerThreads.usableCores)), "count \(count)")
        }
    }
}
