import CIsal

/// Which library inflates gzip members' deflate data. Whichever it is, `GzipDecoder` reads the
/// headers and trailers and checks every CRC-32 and length itself: the same input gives the same
/// bytes, and damage is refused in the same member. Inside damaged deflate data alone the two
/// can differ: zlib checks a block's Huffman tables more strictly, so where ISA-L decodes a
/// malformed table into exactly the bytes the member's CRC-32 and length vouch for, ISA-L reads
/// the member and zlib refuses it (docs/ARCHITECTURE.md).
public enum Inflater: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The system zlib: always there.
    case zlib
    /// Intel's ISA-L (igzip): faster than zlib on x86-64 (figures: docs/PERFORMANCE.md). Compiled
    /// in where its header was installed at build time, and used where its library is installed
    /// at run time.
    case isal

    /// Whether this build has the inflater compiled in.
    public var isBuiltIn: Bool {
        switch self {
        case .zlib: true
        case .isal: tally_isal_built_in() != 0
        }
    }

    /// Whether the inflater can be used now: built in, and (for ISA-L) its library loaded.
    public var isAvailable: Bool {
        switch self {
        case .zlib: true
        case .isal: tally_isal_available() != 0
        }
    }

    /// The fastest inflater available: what `--inflater auto` picks.
    public static var fastest: Inflater { Inflater.isal.isAvailable ? .isal : .zlib }

    public var description: String { rawValue }

    /// A new raw-deflate inflater of this kind. Only asked for kinds that are available.
    func makeRawInflater() -> any RawInflater {
        switch self {
        case .zlib: ZlibInflater()
        case .isal: IsalInflater()
        }
    }
}

/// What one call of a raw inflater did.
struct InflateStep {
    enum Status: Equatable {
        /// Progress was made; call again with more input or more output space.
        case progress
        /// The deflate stream's last block was read and all its output written; its gzip trailer
        /// is the caller's to check.
        case streamEnd
        /// The deflate data is damaged. No reason is given: the two inflaters word it differently,
        /// and an input must fail the same way whichever read it.
        case dataError
    }

    var status: Status
    /// Input bytes used. At `.streamEnd` this can be negative, down to -8: bytes that an earlier
    /// call handed in, read ahead past the end of the deflate data, handed back.
    var consumed: Int
    var produced: Int
}

/// Inflates raw deflate data (RFC 1951) for `GzipDecoder`: one member at a time, from any
/// split of input and output.
protocol RawInflater: AnyObject {
    /// Makes the inflater ready for the next member's deflate data.
    func reset()

    /// Inflates from `input` into `output`. Both are bounded well below 4 GiB by the caller.
    /// The caller keeps the 8 bytes before `input` in place (see `InflateStep.consumed`).
    func inflate(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep

    /// zlib's `crc32`: the CRC-32 of `count` bytes continued from `crc`, for the gzip trailer
    /// check. Each inflater names its fastest: the check is a tenth of ISA-L's decoding time.
    func crc32(_ crc: UInt32, _ bytes: UnsafeRawPointer?, _ count: Int) -> UInt32
}
