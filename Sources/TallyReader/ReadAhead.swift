import Dispatch
import Glibc
import Synchronization
import TallyThreads

/// Reads a regular file on a thread of its own, ahead of its reader, into a ring of buffers.
///
/// When one input is inflated on one core and parsed on the other, the inflating thread sets
/// the pace; its `read(2)` calls (the kernel's copy of every stored byte) and the fingerprint's
/// hashing of them are work the inflater need not wait for. Here a third thread does both, a
/// buffer ahead, and the inflater only copies the bytes out: `onRead` and `onBytes` are called
/// on that thread, in order, each buffer before it is handed on.
///
/// A bounded buffer like `ChunkPump`'s: `free` counts buffers the thread may fill, `filled`
/// those the reader may take; each side goes round the ring in the same order, so a buffer and
/// its slot (its byte count, or the `errno` of a failed read) belong to one side at a time.
/// A buffer of 0 bytes, or a failed read, ends the thread's loop.
///
/// Regular files only: `stop()` waits for the thread to leave `read(2)`, which for a pipe or a
/// terminal could be for ever.
final class ReadAhead: @unchecked Sendable {
    private struct Slot {
        var count = 0
        /// The `errno` of the read that failed, or 0.
        var error: Int32 = 0
    }

    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Raw memory, not an array: written on one thread while the other reads other elements.
    private let slots: UnsafeMutablePointer<Slot>
    // Counting from 0 and signalled up to the ring's size: libdispatch refuses to free a
    // semaphore whose count is below its initial value, and the count of `free` when the
    // ring is dropped depends on where the reader stopped.
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    /// The reader's place: the slot it reads from, how far, and whether it holds it.
    private var index = 0
    private var offset = 0
    private var holding = false
    /// Whether the reader has reached the end. At an error it stays on the error's slot, held,
    /// and throws it again at every later read.
    private var ended = false

    /// Starts reading `fd` from where it is, on a thread with a stack of `stackSize` bytes.
    /// - Returns: nil if the thread cannot be started (`HelperThread`); nothing is read then.
    init?(
        fd: Int32, bufferSize: Int = 1 << 18, ringSize: Int = 4, stackSize: Int = 1 << 18,
        onRead: (@Sendable (Int) -> Void)?, onBytes: ((UnsafeRawBufferPointer) -> Void)?
    ) {
        precondition(bufferSize > 0 && ringSize > 0, "a ring of at least one non-empty buffer")
        buffers = (0..<ringSize).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        slots = .allocate(capacity: ringSize)
        slots.initialize(repeating: Slot(), count: ringSize)
        for _ in 0..<ringSize { free.signal() }
        let callbacks = Callbacks(onRead: onRead, onBytes: onBytes)
        guard HelperThread.start(stackSize: stackSize, { [self] in fill(fd, callbacks) }) else { return nil }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        slots.deinitialize(count: buffers.count)
        slots.deallocate()
    }

    /// The thread's loop: read into the next free buffer, give its bytes to the callbacks, hand it on.
    private func fill(_ fd: Int32, _ callbacks: Callbacks) {
        // A batch thread never preempts the inflater or the parser when it wakes: when they keep
        // both cores busy, each wake-up would otherwise cost them a switch. It feeds the inflater,
        // but wakes with buffers still full ahead of it, so a wait for the next time slice does
        // not leave the inflater without input (docs/PERFORMANCE.md compares both policies).
        HelperThread.preferBatchScheduling()
        var index = 0
        while true {
            free.wait()
            if stopping.load(ordering: .acquiring) { break }
            let slot = index % buffers.count
            var n: Int
            repeat { n = Glibc.read(fd, buffers[slot].baseAddress, buffers[slot].count) } while n < 0 && errno == EINTR
            if n >= 0 {
                callbacks.onRead?(n)
                callbacks.onBytes?(UnsafeRawBufferPointer(rebasing: buffers[slot][..<n]))
                slots[slot] = Slot(count: n, error: 0)
            } else {
                slots[slot] = Slot(count: 0, error: errno)
            }
            filled.signal()
            if n <= 0 { break }
            index += 1
        }
        done.signal()
    }

    /// Fills `buffer` from its start with the next bytes of the file, as `read(2)` would: 0 at
    /// the end; a failed read throws, here and at every later call.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !ended, buffer.count > 0 else { return 0 }
        if !holding {
            filled.wait()
            holding = true
            offset = 0
        }
        let slot = index % buffers.count
        let current = slots[slot]
        if current.error != 0 { throw FileDescriptorSource.readError(current.error) }
        if current.count == 0 {
            ended = true
            return 0
        }
        let n = min(buffer.count, current.count - offset)
        buffer.baseAddress!.copyMemory(from: buffers[slot].baseAddress! + offset, byteCount: n)
        offset += n
        if offset == current.count {
            holding = false
            index += 1
            free.signal()
        }
        return n
    }

    /// Ends the thread, wherever it is, and waits for it: after this, nothing reads the file
    /// descriptor, which may then be closed.
    func stop() {
        stopping.store(true, ordering: .releasing)
        // Wakes the thread if it waits for a buffer; one that ended has signalled `done`.
        free.signal()
        done.wait()
    }
}

/// What the thread is given to call. Safe to hand over because the reader never calls them
/// once the thread has started: each is called on one thread at a time.
private struct Callbacks: @unchecked Sendable {
    let onRead: (@Sendable (Int) -> Void)?
    let onBytes: ((UnsafeRawBufferPointer) -> Void)?
}
