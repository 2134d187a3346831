import Glibc
import TallyBytes

/// Splits a stream of byte chunks into lines, handing each out in place where it can.
///
/// Lines that lie wholly inside a chunk are handed out as slices of that chunk, without a copy.
/// Only a line cut by a chunk boundary is gathered in `carry`, so the same input gives the same
/// lines whatever the chunk sizes. A line longer than `maxLineBytes` is never held whole: once
/// it is known to be too long, its bytes are dropped up to the next newline and it is handed out
/// as `.tooLong`.
///
/// A line is the bytes before a `\n`, so a `\r` of a CRLF ending is still on it: the parser
/// strips it. The cap does not count that `\r`, so a line's fate does not depend on whether
/// the file ends lines in LF or CRLF. A last line without a newline is handed out by `finish`.
///
/// Once the caller says what the text is (`indexing`), lines are found in a `TextIndex` of
/// each window of the chunk rather than with `memchr`, and a plain line (see there) is handed
/// out with its place in the index. Either way the lines are the same: the tests and the
/// parser fuzzer compare the two.
public struct LineSplitter: ~Copyable {
    public enum Piece {
        /// A whole line. The bytes are valid only during the call that receives them.
        case line(UnsafeRawBufferPointer)
        /// A whole line with no break (see `TextIndex`) before its end, with its place in the
        /// bitmaps of the text around it. Valid only during the call.
        case plainLine(UnsafeRawBufferPointer, TextIndex.Line)
        /// A line longer than the cap; its bytes are gone.
        case tooLong

        /// The line's bytes, if it has any.
        public var bytes: UnsafeRawBufferPointer? {
            switch self {
            case .line(let bytes), .plainLine(let bytes, _): bytes
            case .tooLong: nil
            }
        }
    }

    public let maxLineBytes: Int

    // Invariant: carryCount <= maxLineBytes + 1 (room for a CR), and carryCount > 0 only while a
    // line begun in an earlier chunk is still open. While `discarding`, carryCount == 0.
    private var carry: UnsafeMutableRawPointer
    private var carryCapacity: Int
    private var carryCount = 0
    private var discarding = false
    private let textIndex: TextIndex

    /// Lines handed out so far, counting `.tooLong` ones: the number of the last line handed out.
    public private(set) var lineNumber = 0

    /// - Parameter indexWindow: how many bytes of text are indexed at a time (see `TextIndex`).
    public init(maxLineBytes: Int = 1 << 20, indexWindow: Int = 1 << 16) {
        precondition(maxLineBytes > 0)
        self.maxLineBytes = maxLineBytes
        textIndex = TextIndex(capacity: indexWindow)
        carryCapacity = min(maxLineBytes + 1, 1 << 16)
        carry = .allocate(byteCount: carryCapacity, alignment: 16)
    }

    deinit {
        carry.deallocate()
    }

    /// Hands every line completed by `chunk` to `body`, in order.
    ///
    /// - Parameter indexing: what to index the text for, asked before each window of it; nil
    ///   to find lines one at a time (while the format is not yet known, say).
    /// - Complexity: O(chunk.count), plus a copy of the one line that runs past the chunk's end.
    public mutating func consume(
        _ chunk: UnsafeRawBufferPointer,
        indexing: () -> TextIndex.Classes? = { nil },
        _ body: (Piece) throws -> Void
    ) rethrows {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else { return }
        var start = 0
        let end = chunk.count
        while start < end {
            if carryCount == 0, !discarding, let classes = indexing(),
                let next = try consumeIndexed(base + start, count: end - start, classes, body)
            {
                start += next
                continue
            }
            // One line found with memchr: one that began in an earlier chunk, one longer than
            // an index window, the last of the chunk, or any line while nothing is indexed.
            guard let newline = memchr(base + start, Int32(ASCII.newline), end - start) else {
                holdOpenLine(base + start, count: end - start)
                return
            }
            let lineEnd = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline))
            let count = lineEnd - start
            lineNumber += 1
            if discarding {
                discarding = false
                try body(.tooLong)
            } else if carryCount > 0 {
                if carryCount + count > maxLineBytes + 1 {
                    carryCount = 0
                    try body(.tooLong)
                    start = lineEnd + 1
                    continue
                }
                append(base + start, count: count)
                try body(takeCarry())
            } else if isTooLong(base + start, count: count) {
                try body(.tooLong)
            } else {
                try body(.line(UnsafeRawBufferPointer(start: base + start, count: count)))
            }
            start = lineEnd + 1
        }
    }

    /// Indexes up to a window of the text at `base` and hands out the whole lines in it.
    ///
    /// - Returns: how many bytes were used (up to the start of the first line not handed out),
    ///   or nil if no line ends in the window, for the caller to find that line's end.
    private mutating func consumeIndexed(
        _ base: UnsafePointer<UInt8>, count: Int, _ classes: TextIndex.Classes, _ body: (Piece) throws -> Void
    ) rethrows -> Int? {
        let window = min(count, textIndex.capacity)
        textIndex.index(base, count: window, for: classes)
        var start = 0
        while true {
            let stop = textIndex.nextBreak(atOrAfter: start)
            if stop == window { return start > 0 ? start : nil }
            var lineEnd = stop
            var plain = true
            if base[stop] == ASCII.newline {
                // The usual end.
            } else if base[stop] == ASCII.carriageReturn, stop + 1 < window, base[stop + 1] == ASCII.newline {
                // CRLF: the CR stays on the line, for the parser to strip; it is still a stop.
                lineEnd = stop + 1
            } else {
                // Another break (a backslash in JSON, a control byte): this line is read on its own.
                guard let newline = memchr(base + stop, Int32(ASCII.newline), window - stop) else {
                    return start > 0 ? start : nil
                }
                lineEnd = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline))
                plain = false
            }
            let line = UnsafeRawBufferPointer(start: base + start, count: lineEnd - start)
            lineNumber += 1
            if isTooLong(base + start, count: line.count) {
                try body(.tooLong)
            } else if plain {
                try body(.plainLine(line, textIndex.line(at: start)))
            } else {
                try body(.line(line))
            }
            start = lineEnd + 1
        }
    }

    /// Hands out the last line if the input did not end with a newline.
    public mutating func finish(_ body: (Piece) throws -> Void) rethrows {
        if discarding {
            discarding = false
            lineNumber += 1
            try body(.tooLong)
        } else if carryCount > 0 {
            lineNumber += 1
            try body(takeCarry())
        }
    }

    /// The carried line as a piece, leaving the carry empty. Its bytes stay in `carry` until the
    /// next `append`, which is after the caller's body has returned.
    private mutating func takeCarry() -> Piece {
        let count = carryCount
        carryCount = 0
        return isTooLong(carry, count: count) ? .tooLong : .line(UnsafeRawBufferPointer(start: carry, count: count))
    }

    /// Longer than the cap, not counting a final CR.
    @inline(__always)
    private func isTooLong(_ bytes: UnsafeRawPointer, count: Int) -> Bool {
        guard count > maxLineBytes else { return false }
        return count > maxLineBytes + 1 || bytes.load(fromByteOffset: count - 1, as: UInt8.self) != ASCII.carriageReturn
    }

    private mutating func holdOpenLine(_ bytes: UnsafeRawPointer, count: Int) {
        if discarding { return }
        // One byte over the cap may still be the CR of a CRLF; more cannot.
        if carryCount + count > maxLineBytes + 1 {
            carryCount = 0
            discarding = true
            return
        }
        append(bytes, count: count)
    }

    private mutating func append(_ bytes: UnsafeRawPointer, count: Int) {
        let needed = carryCount + count
        if needed > carryCapacity {
            var capacity = carryCapacity
            while capacity < needed { capacity *= 2 }
            capacity = min(max(capacity, needed), max(maxLineBytes + 1, needed))
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            grown.copyMemory(from: carry, byteCount: carryCount)
            carry.deallocate()
            carry = grown
            carryCapacity = capacity
        }
        (carry + carryCount).copyMemory(from: bytes, byteCount: count)
        carryCount = needed
    }
}
