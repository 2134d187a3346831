/// A pull-based source of plain bytes: the decoded content of one input.
///
/// This is the only thing the rest of tally sees of an input. A gzip file, a plain file and
/// standard input all look the same behind it; a faster inflater would be one more conformer.
///
/// A source is used by one thread at a time. It is a class because it owns a file descriptor or
/// a decoder state that must be released exactly once.
public protocol ByteSource: AnyObject {
    /// Fills `buffer` from its start with up to `buffer.count` bytes and returns how many it wrote.
    ///
    /// Returns 0 only at the end of the input, and only once the whole input has been checked (for
    /// gzip: every member's CRC-32 and length). Until a source has returned 0, what it produced is
    /// tentative: a later call may still throw.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}
