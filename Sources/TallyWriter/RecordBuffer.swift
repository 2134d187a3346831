import Glibc
import TallyBytes

/// A fixed buffer that a file's records are formatted into and handed on, each time it fills,
/// to a sink: so that a day file of millions of rows is made a buffer at a time, never whole
/// in memory, and each byte is written with a compare and a store rather than an array's append.
///
/// Invariant: `count <= capacity`; bytes `0 ..< count` are formatted and not yet handed on.
/// The first error the sink throws is kept (`failure`) and nothing is handed on after it: the
/// formatting runs inside non-throwing loops, and the caller throws it once they end.
struct RecordBuffer: ~Copyable {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    private let sink: (UnsafeRawBufferPointer) throws(WriteError) -> Void
    private(set) var failure: WriteError?

    init(capacity: Int = 1 << 20, sink: @escaping (UnsafeRawBufferPointer) throws(WriteError) -> Void) {
        precondition(capacity >= 64)
        self.capacity = capacity
        self.sink = sink
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Hands on what is formatted; the caller then throws `failure`, if any.
    mutating func flush() {
        guard count > 0 else { return }
        hand(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    private mutating func hand(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do throws(WriteError) {
            try sink(bytes)
        } catch {
            failure = error
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { flush() }
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > capacity &- count {
            flush()
            // Longer than the whole buffer (a long key): handed on as it is.
            if bytes.count > capacity {
                hand(bytes)
                return
            }
        }
        if let from = bytes.baseAddress { memcpy(base + count, from, bytes.count) }
        count &+= bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// `value` in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(ASCII.zero &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // UInt64.max has 20 digits.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = 20
            var rest = value
            repeat {
                start -= 1
                buffer[start] = ASCII.zero &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            append(UnsafeRawBufferPointer(rebasing: buffer[start..<20]))
        }
    }

    /// `text` as one CSV cell, guarded and quoted as `CSVField` says.
    @inline(__always)
    mutating func appendCell(_ text: UnsafeRawBufferPointer) {
        CSVField.write(text, whole: { append($0) }, byte: { append($0) })
    }
}
