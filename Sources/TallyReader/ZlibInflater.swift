import CTallyKernels
import CTallyZlib

/// The one owner of a zlib `z_stream` for inflating: every zlib inflate call tally makes is in
/// this file.
///
/// The stream lives at a fixed heap address because zlib keeps a pointer back to it and refuses
/// to work (`Z_STREAM_ERROR`) if the struct moves, which a Swift value may do at any time.
final class ZlibInflater: RawInflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// Raw deflate (-15): `GzipDecoder` reads each member's header and trailer itself, so that
    /// the checks are the same whichever inflater runs, and the CRC-32 is tally's faster one.
    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = tally_inflateInit2(stream, -MAX_WBITS)
        // Only memory exhaustion or a mismatched zlib.h can fail here; neither is recoverable.
        precondition(status == Z_OK, "inflateInit2 failed with \(status)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func reset() {
        inflateReset(stream)
    }

    /// tally's own kernel: several times faster than zlib 1.2's tables.
    func crc32(_ crc: UInt32, _ bytes: UnsafeRawPointer?, _ count: Int) -> UInt32 {
        tally_crc32(crc, bytes, count)
    }

    func inflate(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep {
        precondition(input.count <= Int(UInt32.max) && output.count <= Int(UInt32.max))
        // zlib never writes through next_in; the mutable cast is what its C signature asks for.
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(output.count)
        let code = CTallyZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        switch code {
        case Z_OK, Z_BUF_ERROR:
            // Z_BUF_ERROR only says no progress was possible: the caller brings input or space.
            return InflateStep(status: .progress, consumed: consumed, produced: produced)
        case Z_STREAM_END:
            return InflateStep(status: .streamEnd, consumed: consumed, produced: produced)
        case Z_MEM_ERROR:
            // Out of memory inside zlib's small fixed state: not something to report per file.
            fatalError("zlib ran out of memory")
        default:
            // Z_DATA_ERROR, or Z_NEED_DICT (a preset dictionary, which gzip members never have).
            return InflateStep(status: .dataError, consumed: consumed, produced: produced)
        }
    }
}
