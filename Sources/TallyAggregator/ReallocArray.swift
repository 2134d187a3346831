import Glibc

/// A growable array of integers that grows with `realloc`, for a table's rows: a wide run's
/// rollup reaches hundreds of megabytes of them.
///
/// Not `Array`, because of how each grows. An array grows by allocating twice the room and
/// copying into it, so each doubling writes the whole table again into memory never touched
/// before, and such memory is what costs here: every fresh page is faulted in and zeroed by
/// the kernel (in a virtual machine, perhaps backed by the host first) before the copy can
/// write it. A block this large is mapped on its own, and glibc's `realloc` of it moves its
/// pages with `mremap`: nothing is copied, and only the new room is ever touched. (A smaller
/// block is copied as an array's would be.)
///
/// A class, not a value: its one owner mutates it in place, and a copy is never wanted.
/// Invariants: `base` holds `capacity` elements, of which the first `count` are initialized;
/// it never moves while a `withUnsafe…` call has lent it out (an array would trap on that as an
/// overlapping access; this checks it in debug builds, which the tests are).
final class ReallocArray<Element: FixedWidthInteger>: RandomAccessCollection, MutableCollection {
    fileprivate private(set) var base: UnsafeMutablePointer<Element>?
    fileprivate(set) var count = 0
    private(set) var capacity = 0
    /// How many `withUnsafe…` calls are under way.
    fileprivate var lent = 0

    init() {}

    deinit { free(base) }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "index out of range")
            return UnsafePointer(base! + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index < count, "index out of range")
            return base! + index
        }
    }

    /// Makes room for at least `minimum` elements in all.
    func reserveCapacity(_ minimum: Int) {
        guard minimum > capacity else { return }
        assert(lent == 0, "a ReallocArray grown while its memory is lent out")
        let bytes = minimum * MemoryLayout<Element>.stride
        guard let grown = realloc(base, bytes) else { fatalError("out of memory: \(bytes) bytes for a table") }
        base = grown.bindMemory(to: Element.self, capacity: minimum)
        capacity = minimum
    }

    func append(_ element: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base! + count).initialize(to: element)
        count += 1
    }

    /// Appends `n` zeros.
    func appendZeros(_ n: Int) {
        if count + n > capacity { grow(toHold: count + n) }
        (base! + count).initialize(repeating: 0, count: n)
        count += n
    }

    /// Doubles the room (at least), as an array does, so that appending stays O(1) amortized
    /// where `realloc` has to copy.
    fileprivate func grow(toHold needed: Int) {
        reserveCapacity(Swift.max(needed, 2 * capacity, 64))
    }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        lent += 1
        defer { lent -= 1 }
        return try body(UnsafeBufferPointer(start: base, count: count))
    }
}

extension ReallocArray where Element == UInt8 {
    func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        UnsafeMutableRawPointer(base! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        lent += 1
        defer { lent -= 1 }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
