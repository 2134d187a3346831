import Dispatch
import TallyReader
import TallyThreads

/// Reads a source on a thread of its own into a ring of buffers, so that decoding (zlib's
/// inflate) and parsing run at once on two cores when there are fewer inputs than cores.
///
/// A classic bounded buffer: `free` counts buffers the reader may fill, `filled` counts buffers
/// the parser may take. Buffer `i % ringSize` is filled by the reader and then parsed by the
/// parser, never both at once: the semaphores hand each buffer, with its slot (how many bytes,
/// or the error), from one side to the other, and each side goes round the ring in the same
/// order. Slots live in raw memory, not a Swift array: an array written on one thread while the
/// other reads it is a race even on different elements (copy-on-write touches the whole array).
final class ChunkPump: ChunkSource, @unchecked Sendable {
    private struct Slot {
        var count = 0
        var error: InputError?
    }

    private let buffers: [UnsafeMutableRawBufferPointer]
    private let slots: UnsafeMutablePointer<Slot>
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    /// Touched by the parsing thread only.
    private var consumerIndex = 0

    /// Starts reading `source`, which from now on belongs to the pump's thread.
    /// - Returns: nil if the thread cannot be started; `source` is then untouched, for the
    ///   caller to read on its own thread.
    init?(source: any ByteSource, ringSize: Int = 4, bufferSize: Int, stackSize: Int = 1 << 20) {
        buffers = (0..<ringSize).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        slots = .allocate(capacity: ringSize)
        slots.initialize(repeating: Slot(), count: ringSize)
        free = DispatchSemaphore(value: ringSize)
        let box = SourceBox(source)
        guard HelperThread.start(stackSize: stackSize, { [self] in produce(box.source) }) else { return nil }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        slots.deinitialize(count: buffers.count)
        slots.deallocate()
    }

    /// The reader's loop: fill the next free buffer; stop after the end or an error.
    private func produce(_ source: any ByteSource) {
        var index = 0
        while true {
            free.wait()
            let slot = index % buffers.count
            do {
                slots[slot] = Slot(count: try source.read(into: buffers[slot]), error: nil)
            } catch {
                slots[slot] = Slot(count: 0, error: error)
            }
            let finished = slots[slot].count == 0
            filled.signal()
            if finished { break }
            index += 1
        }
        done.signal()
    }

    /// Calls `body` with each chunk in order, until the end of the source.
    /// - Throws: the source's error, after the chunks before it.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) {
        defer { finish() }
        while true {
            filled.wait()
            let slot = consumerIndex % buffers.count
            consumerIndex += 1
            let current = slots[slot]
            if let error = current.error { throw error }
            if current.count == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffers[slot][..<current.count]))
            free.signal()
        }
    }

    /// Waits for the reader's thread to end, so the buffers outlive it. The parser only stops at
    /// the slot that holds the end or the error, after which the reader stops too.
    private func finish() {
        done.wait()
        // Give back the last slot (the end or the error), which the loop above never frees:
        // libdispatch refuses to free a semaphore whose count is below its initial value.
        free.signal()
    }
}

/// Hands a source to the pump's thread. Safe because the creating thread never touches the
/// source again once the pump has it.
private struct SourceBox: @unchecked Sendable {
    let source: any ByteSource
    init(_ source: any ByteSource) { self.source = source }
}
