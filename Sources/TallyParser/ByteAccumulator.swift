/// A growable byte buffer that keeps what is appended to it, for values built from pieces
/// (a row key of several columns).
final class ByteAccumulator {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    func removeAll() { count = 0 }

    // Inlined, and a short value copied by two overlapping loads and stores rather than a call
    // to `memmove`: a key is built of a few short appends for every line.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if count + n > capacity { grow(toHold: count + n) }
        guard let from = bytes.baseAddress else { return }
        let to = UnsafeMutableRawPointer(base + count)
        if n >= 8 && n <= 16 {
            let (head, tail) = (
                from.loadUnaligned(as: UInt64.self), from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            )
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let (head, tail) = (
                from.loadUnaligned(as: UInt32.self), from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            )
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            for index in 0..<n {
                to.storeBytes(of: from.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self)
            }
        } else {
            to.copyMemory(from: from, byteCount: n)
        }
        count += n
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        base[count] = byte
        count += 1
    }

    /// The bytes appended since the last `removeAll()`, valid until the next change.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(never)
    private func grow(toHold needed: Int) {
        capacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
    }
}
