import Crypto
import Dispatch
import TallyThreads

/// Takes an input's stored bytes as they are read and hashes them on a thread of its own, so
/// that the SHA-256 of a fingerprint is not on the reading thread's path. When one input is
/// inflated on one core and parsed on the other (`ChunkPump`), the inflating thread sets the
/// pace, and hashing there would slow the whole input by the hash's time. (A file is read and
/// hashed ahead of the inflater instead, `ReadAhead`; this is for standard input, whose reads
/// may block for ever and so cannot be made on a thread that the run must wait for.)
///
/// The bytes are copied into a ring of buffers, handed to the hashing thread in order the way
/// `ChunkPump` hands chunks: `free` counts buffers `update` may fill, `filled` those the thread
/// may hash; a buffer of 0 bytes ends the stream. The copy, not a reference, because the reader
/// reuses its buffer at once. Used by one thread at a time, the one reading the input.
final class BackgroundHasher: FingerprintHasher, @unchecked Sendable {
    private let ring: HashingRing
    /// The buffer being filled, if one is held, and how many bytes it has.
    private var current = 0
    private var holding = false
    private var held = 0
    private var finished = false

    /// - Returns: nil if the hashing thread cannot be started (see `HelperThread`).
    init?(bufferSize: Int = 1 << 18, ringSize: Int = 4, stackSize: Int = 1 << 18) {
        precondition(bufferSize > 0 && ringSize > 0, "a ring of at least one non-empty buffer")
        ring = HashingRing(bufferSize: bufferSize, ringSize: ringSize)
        let ring = self.ring
        guard HelperThread.start(stackSize: stackSize, { ring.hashUntilEnd() }) else {
            // No thread to end: `deinit` must not wait for one.
            finished = true
            return nil
        }
    }

    deinit {
        // An input that failed is never finished: end the stream so that the thread exits.
        if !finished { _ = finish() }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "bytes after the fingerprint was taken")
        var offset = 0
        while offset < bytes.count {
            take()
            let buffer = ring.buffers[current]
            let n = min(bytes.count - offset, buffer.count - held)
            (buffer.baseAddress! + held).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            held += n
            offset += n
            if held == buffer.count { hand() }
        }
    }

    func finish() -> ContentFingerprint {
        if !finished {
            finished = true
            if held > 0 { hand() }
            take()
            hand()  // the empty buffer that ends the stream
            ring.done.wait()
            // Give back the ending buffer, which the thread never frees: libdispatch refuses to
            // free a semaphore whose count is below its initial value.
            ring.free.signal()
        }
        return ring.fingerprint!
    }

    /// Makes sure a buffer is held, waiting for the thread to free one.
    private func take() {
        guard !holding else { return }
        ring.free.wait()
        holding = true
        held = 0
    }

    /// Hands the held buffer, with `held` bytes, to the thread.
    private func hand() {
        ring.counts[current] = held
        ring.filled.signal()
        current = (current + 1) % ring.buffers.count
        holding = false
        held = 0
    }
}

/// The ring a `BackgroundHasher` shares with its thread; the thread holds this, not the hasher,
/// so that a hasher dropped unfinished is still deinitialized and can end the thread.
private final class HashingRing: @unchecked Sendable {
    let buffers: [UnsafeMutableRawBufferPointer]
    /// How many bytes each buffer holds when handed over; raw memory, not an array written on
    /// two threads (see `ChunkPump`).
    let counts: UnsafeMutablePointer<Int>
    let free: DispatchSemaphore
    let filled = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    /// Set by the thread before it signals `done`.
    var fingerprint: ContentFingerprint?

    init(bufferSize: Int, ringSize: Int) {
        buffers = (0..<ringSize).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        counts = .allocate(capacity: ringSize)
        counts.initialize(repeating: 0, count: ringSize)
        free = DispatchSemaphore(value: ringSize)
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        counts.deallocate()
    }

    func hashUntilEnd() {
        // Three threads then share two cores: the hash takes the parser's idle time rather
        // than preempting the inflating thread.
        HelperThread.preferBatchScheduling()
        var state = SHA256()
        var index = 0
        while true {
            filled.wait()
            let slot = index % buffers.count
            let count = counts[slot]
            if count == 0 { break }
            state.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffers[slot][..<count]))
            free.signal()
            index += 1
        }
        fingerprint = ContentFingerprint(bytes: Array(state.finalize()))
        done.signal()
    }
}
